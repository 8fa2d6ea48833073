/* The designation page's county picker: filter by name, code or league; tick a whole league; count the choice. */
(function () {
  "use strict";
  const picker = document.querySelector("[data-county-picker]");
  if (!picker) { return; }
  const filter = document.querySelector("[data-county-filter]");
  const count = document.querySelector("[data-county-count]");

  function update() {
    const chosen = picker.querySelectorAll('input[name="counties"]:checked').length;
    count.textContent = chosen + " " + count.dataset.label;
  }

  filter.addEventListener("input", function () {
    const text = filter.value.trim().toLowerCase();
    picker.querySelectorAll("[data-league-group]").forEach(function (group) {
      const league = group.querySelector("[data-league-name]").textContent.toLowerCase();
      let shown = 0;
      group.querySelectorAll("[data-county-option]").forEach(function (option) {
        const match = !text || league.includes(text) || option.dataset.search.toLowerCase().includes(text);
        option.classList.toggle("d-none", !match);
        shown += match ? 1 : 0;
      });
      group.classList.toggle("d-none", shown === 0);
    });
  });

  picker.addEventListener("click", function (event) {
    const button = event.target.closest("[data-select-league]");
    if (!button) { return; }
    const boxes = Array.from(button.closest("[data-league-group]").querySelectorAll(
      "[data-county-option]:not(.d-none) input[type=checkbox]"));
    const all = boxes.every(function (box) { return box.checked; });
    boxes.forEach(function (box) { box.checked = !all; });
    update();
  });
  picker.addEventListener("change", update);
  update();
})();

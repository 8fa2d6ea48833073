/* Shared behaviour of every page (the Content-Security-Policy allows no inline scripts or handlers):
   - forms or buttons with data-confirm ask before submitting;
   - forms with data-busy disable their [data-busy-button] and show their [data-busy-indicator] once submitted;
   - a select with data-autosubmit submits its form when changed (the language switcher);
   - a checkbox with data-select-all="NAME" checks or unchecks every checkbox named NAME. */
document.addEventListener("submit", function (event) {
  const form = event.target;
  const submitter = event.submitter;
  const message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  if (event.defaultPrevented || !form.hasAttribute("data-busy")) {
    return;
  }
  form.querySelectorAll("[data-busy-button]").forEach(function (button) {
    // Disabled after this event, so that the button's own name and value are still sent.
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
  form.querySelectorAll("[data-busy-indicator]").forEach(function (indicator) {
    indicator.classList.remove("d-none");
  });
});

document.addEventListener("change", function (event) {
  const target = event.target;
  if (target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  } else if (target.matches("input[type=checkbox][data-select-all]")) {
    const name = target.dataset.selectAll;
    document.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (box.name === name) {
        box.checked = target.checked;
      }
    });
  }
});

/* Print buttons (data-print): the browser's print dialog, e.g. to save the pilot summary as PDF. */
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

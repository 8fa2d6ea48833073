/* Shared behaviour: confirm before destructive actions (forms or buttons with data-confirm). */
document.addEventListener("submit", function (event) {
  const form = event.target;
  const submitter = event.submitter;
  const message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
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

// Light behaviour only; pages work without it.
document.addEventListener("htmx:responseError", function (event) {
  var box = document.createElement("p");
  box.className = "msg msg-error";
  box.textContent = document.body.dataset.errorMessage;
  event.detail.target.prepend(box);
});

// A select marked data-autosubmit (the language switch) sends its form when changed; the
// Content-Security-Policy allows no inline onchange handler.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

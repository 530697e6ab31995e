// Light behaviour only; pages work without it.
document.addEventListener("htmx:responseError", function (event) {
  var box = document.createElement("p");
  box.className = "msg msg-error";
  box.textContent = document.body.dataset.errorMessage;
  event.detail.target.prepend(box);
});

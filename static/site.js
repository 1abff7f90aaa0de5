// Progressive enhancement only: every page reads and works without JavaScript.
// WeChat has no link scheme to open a chat from a web page, so its id gets a Copy button.
document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied;
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
});

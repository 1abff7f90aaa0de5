// Progressive enhancement only: every page reads and works without JavaScript.

// The sidebar's widgets (labels with counts, the blog archive) are one page per language,
// shown in every page's sidebar; without JavaScript the sidebar links to the labels and archive.
document.querySelectorAll("aside.sidebar[data-widgets]").forEach(function (aside) {
  fetch(aside.dataset.widgets).then(function (response) {
    if (!response.ok) throw new Error(response.statusText);
    return response.text();
  }).then(function (html) {
    var widgets = new DOMParser().parseFromString(html, "text/html").querySelector("aside.sidebar");
    if (widgets) aside.replaceWith(document.importNode(widgets, true));
  }).catch(function () { /* the links stay */ });
});

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

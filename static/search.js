// Site search: queries the Pagefind bundle of every language (one per language, each with its
// own word segmentation) and lists the matching posts. Each bundle is imported from its own
// URL, so each gets its own Pagefind instance.
(function () {
  var results = document.getElementById("search-results");
  if (!results) return;
  var bundles = JSON.parse(results.dataset.bundles || "[]");
  var query = new URLSearchParams(location.search).get("q") || "";
  var input = document.getElementById("search-page-q");
  if (input) input.value = query;
  if (!query.trim()) return;

  function message(text) {
    results.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    results.appendChild(p);
  }

  Promise.all(bundles.map(function (bundle) {
    return import(bundle + "pagefind.js").then(function (pagefind) {
      return pagefind.options({ basePath: bundle }).then(function () {
        return pagefind.search(query);
      }).then(function (found) {
        return Promise.all(found.results.slice(0, 20).map(function (r) {
          return r.data().then(function (data) { return { score: r.score, data: data }; });
        }));
      });
    }).catch(function () { return null; });
  })).then(function (perBundle) {
    var ok = perBundle.filter(function (x) { return x !== null; });
    if (bundles.length === 0 || ok.length === 0) { message(results.dataset.unavailable); return; }
    var all = [].concat.apply([], ok).sort(function (a, b) { return b.score - a.score; });
    if (all.length === 0) { message(results.dataset.noResults.replace("{query}", query)); return; }
    var list = document.createElement("ol");
    list.className = "search-results";
    all.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.data.url;
      link.textContent = hit.data.meta.title || hit.data.url;
      var excerpt = document.createElement("p");
      excerpt.innerHTML = hit.data.excerpt;  // Pagefind's excerpt: escaped text with <mark> around hits
      item.appendChild(link);
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    results.textContent = "";
    results.appendChild(list);
  });
})();

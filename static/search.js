// Site search: queries the Pagefind bundles of every language and lists the matching posts.
// A language's posts are in several bundles (listed in its bundles.json, written by the build);
// they are merged into one search with Pagefind's multisite search (mergeIndex), which shares
// one WebAssembly module and ranks the results of all of them together. Each language is
// imported from its own URL, so each gets its own Pagefind instance and word segmentation.
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

  function searchLanguage(root) {
    return fetch(root + "bundles.json", { cache: "no-cache" }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (manifest) {
      var paths = manifest.bundles.map(function (name) { return root + name; });
      return import(paths[0] + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ basePath: paths[0] }).then(function () {
          return Promise.all(paths.slice(1).map(function (path) { return pagefind.mergeIndex(path); }));
        }).then(function () {
          return pagefind.search(query);
        }).then(function (found) {
          return Promise.all(found.results.slice(0, 20).map(function (r) {
            return r.data().then(function (data) { return { score: r.score, data: data }; });
          }));
        });
      });
    }).catch(function () { return null; });
  }

  Promise.all(bundles.map(searchLanguage)).then(function (perLanguage) {
    var ok = perLanguage.filter(function (x) { return x !== null; });
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

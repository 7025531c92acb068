// Territory editor: as-you-type commune search, selection, live size and map (no library).
(function () {
  "use strict";
  var form = document.getElementById("territory-form");
  if (!form) return;
  var searchUrl = form.dataset.searchUrl;
  var previewUrl = form.dataset.previewUrl;
  var input = document.getElementById("commune-search");
  var results = document.getElementById("search-results");
  var selected = document.getElementById("selected-communes");
  var searchSeq = 0;
  var previewSeq = 0;
  var timer = null;
  var nf = new Intl.NumberFormat("fr-FR");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function selectedCodes() {
    return Array.prototype.map.call(selected.querySelectorAll("li[data-insee]"), function (li) {
      return li.dataset.insee;
    });
  }

  function addCommune(c) {
    if (selected.querySelector('li[data-insee="' + c.insee + '"]')) return false;
    var li = el("li", { "data-insee": c.insee, "data-population": c.population });
    li.appendChild(el("input", { type: "hidden", name: "insee", value: c.insee }));
    li.appendChild(el("span", {}, c.name + " (" + c.insee + ") – " + nf.format(c.population) + " hab."));
    var btn = el("button", { type: "button", class: "fr-btn fr-btn--tertiary-no-outline fr-btn--sm", "data-remove": "" }, "Retirer");
    li.appendChild(btn);
    selected.appendChild(li);
    return true;
  }

  function refresh() {
    var seq = ++previewSeq;
    var params = new URLSearchParams();
    selectedCodes().forEach(function (code) { params.append("insee", code); });
    fetch(previewUrl + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (seq !== previewSeq) return; // a newer selection is on its way
        document.getElementById("commune-count").textContent = data.count;
        document.getElementById("population").textContent = nf.format(data.population);
        document.getElementById("taille").textContent = data.taille || "—";
        document.getElementById("principal").textContent = data.principal;
        document.getElementById("boundary-warning").hidden = !data.boundary_to_confirm;
        var warnings = document.getElementById("overlap-warnings");
        warnings.innerHTML = "";
        data.overlaps.forEach(function (msg) {
          var box = el("div", { class: "fr-alert fr-alert--warning fr-alert--sm fr-mb-2w" });
          box.appendChild(el("p", {}, "Chevauchement : " + msg + "."));
          warnings.appendChild(box);
        });
        var errors = document.getElementById("selection-errors");
        errors.innerHTML = "";
        data.errors.forEach(function (msg) {
          var box = el("div", { class: "fr-alert fr-alert--error fr-alert--sm fr-mb-2w" });
          box.appendChild(el("p", {}, msg));
          errors.appendChild(box);
        });
        // The map is SVG rendered by our own server from escaped data.
        document.getElementById("territory-map").innerHTML = data.map;
      });
  }

  function showResults(data) {
    results.innerHTML = "";
    data.epcis.forEach(function (e) {
      var li = el("li");
      li.appendChild(el("span", {}, "EPCI : " + e.name));
      var btn = el("button", { type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm", "data-epci-url": e.url }, "Ajouter toutes ses communes");
      li.appendChild(btn);
      results.appendChild(li);
    });
    data.communes.forEach(function (c) {
      var li = el("li");
      var label = el("span", {}, c.name + " (" + c.insee + ") ");
      label.appendChild(el("span", { class: "territory-meta" }, nf.format(c.population) + " hab. · " + c.postal_codes + " · dép. " + c.departement));
      li.appendChild(label);
      var btn = el("button", { type: "button", class: "fr-btn fr-btn--sm", "data-add": c.insee }, "Ajouter");
      btn._commune = c;
      li.appendChild(btn);
      results.appendChild(li);
    });
    if (!data.epcis.length && !data.communes.length && input.value.trim().length >= 2) {
      results.appendChild(el("li", {}, "Aucune commune trouvée."));
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      var seq = ++searchSeq;
      if (q.length < 2) { results.innerHTML = ""; return; }
      fetch(searchUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (seq === searchSeq) showResults(data); });
    }, 120);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" && e.key !== "ArrowDown") return;
    // Enter never adds a commune nobody picked, nor submits the form: it moves to the results,
    // where Enter or a click on « Ajouter » picks one.
    e.preventDefault();
    var first = results.querySelector("button");
    if (first) first.focus();
  });

  results.addEventListener("click", function (e) {
    var btn = e.target.closest("button");
    if (!btn) return;
    if (btn.dataset.add) {
      addCommune(btn._commune);
      btn.closest("li").remove();
      refresh();
    } else if (btn.dataset.epciUrl) {
      fetch(btn.dataset.epciUrl, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          data.communes.forEach(addCommune);
          btn.closest("li").remove();
          refresh();
        });
    }
  });

  selected.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-remove]");
    if (!btn) return;
    btn.closest("li").remove();
    refresh();
  });
})();

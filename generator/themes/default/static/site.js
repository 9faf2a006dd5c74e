/* Vitrine default theme: optional enhancement of the catalogue page.
   Without JavaScript every badge is listed and reachable through the category, issuer,
   competency and tag pages. With it, the hidden filter form is shown and filters the cards
   in place (search words, category, issuer, competency, level, tag). No request is made. */
(function () {
  "use strict";
  var section = document.getElementById("catalogue");
  var form = document.getElementById("filters");
  if (!section || !form || !("hidden" in form)) return;
  var list = section.querySelector(".cards");
  if (!list) return;

  var cards = Array.prototype.slice.call(list.children);
  var status = document.getElementById("filter-status");
  var input = form.querySelector("input[type=search]");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var texts = cards.map(function (card) {
    return fold(card.textContent.replace(/\s+/g, " "));
  });

  function message(count) {
    var text;
    if (count === 0) text = section.getAttribute("data-count-none");
    else if (count === 1) text = section.getAttribute("data-count-one");
    else text = section.getAttribute("data-count-other").replace("999999", String(count));
    return text || "";
  }

  var timer = null;
  function apply(updateUrl) {
    var words = input ? fold(input.value).split(/\s+/).filter(Boolean) : [];
    var active = words.length > 0;
    var shown = 0;
    cards.forEach(function (card, i) {
      var ok = words.every(function (word) { return texts[i].indexOf(word) !== -1; });
      selects.forEach(function (select) {
        if (!select.value) return;
        active = true;
        if (!ok) return;
        var values = (card.getAttribute("data-" + select.getAttribute("data-filter")) || "").split(" ");
        ok = values.indexOf(select.value) !== -1;
      });
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    if (status) {
      clearTimeout(timer);
      var text = active ? message(shown) : "";
      timer = setTimeout(function () { status.textContent = text; }, 300);
    }
    if (updateUrl && window.history && history.replaceState) {
      var params = new URLSearchParams();
      if (input && input.value.trim()) params.set(input.name, input.value.trim());
      selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
  }

  // Start from the address (?q=...&category=...), so that a filtered view can be shared.
  var initial = new URLSearchParams(location.search);
  if (input && initial.has(input.name)) input.value = initial.get(input.name);
  selects.forEach(function (select) {
    var value = initial.get(select.name);
    if (value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) select.value = value;
  });

  // The detailed filters fold away on narrow screens, unless the address already uses them.
  var more = document.getElementById("filters-more");
  if (more && (window.matchMedia("(min-width: 48rem)").matches ||
               selects.some(function (select) { return select.value; }))) {
    more.open = true;
  }

  form.hidden = false;
  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  apply(false);
})();

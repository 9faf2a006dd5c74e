/* Vitrine default theme: search and filters of the catalogue page (index.html).
   Without JavaScript the form stays hidden and the listing pages (categories, issuers,
   competencies, tags, and the catalogue's own pages) reach every badge. With it, the form is
   shown; on first use it reads search.json (render/search.py) and then finds any badge, as
   you type: words match the start of a stem, accents and case aside, in the name,
   description, criteria, competencies, issuer and tags; filters combine. The state lives in
   the address (?q=...&issuer=...), so that a filtered view can be shared; the number of
   results is announced. No request leaves the site. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var dataNode = document.getElementById("catalogue-data");
  var list = document.getElementById("catalogue-cards");
  if (!form || !dataNode || !list || !("normalize" in String.prototype) || !window.URLSearchParams) return;
  var cfg = JSON.parse(dataNode.textContent);
  var status = document.getElementById("filter-status");
  var input = form.elements.q;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var moreBox = document.querySelector(".filters__more-results");
  var moreButton = document.getElementById("filter-more");
  var copyButton = document.getElementById("filter-copy");
  var pager = list.parentNode.querySelector(".pagination");
  var original = Array.prototype.slice.call(list.children);
  var nodes = Object.create(null);  // by slug: a badge may be called "constructor"
  original.forEach(function (node) { nodes[node.getAttribute("data-slug")] = node; });

  /* The stemmer of render/search.py, letter for letter (the tests compare them). */
  var STOP = Object.create(null);  // not {}: "constructor" is a word, not a common one
  ("a au aux avec ce ces cet cette d dans de des du elle en est et il ils l la le les leur leurs lui " +
   "ma mais me mes n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur ta te tes " +
   "un une vos votre vous y jusqu lorsqu puisqu quoiqu an and are as at be by for from has have in is it its of on or that the " +
   "their this to was were will with your").split(" ").forEach(function (w) { STOP[w] = true; });
  var SUFFIXES = ("issement atrice ateur ation ement ivite able ance ancy ence ency euse ible ique " +
                  "isme iste ment ness rice ere eur ing ite ive ed ee er if ly e").split(" ");
  var MIN_STEM = 3;
  var AIL_PLURALS = { travaux: "travail", vitraux: "vitrail", coraux: "corail", vantaux: "vantail", soupiraux: "soupirail" };
  var INCLUSIVE = /[\u00b7\u2027\u2022\u22c5][\p{L}\p{Nl}\p{No}]*/gu;
  var WORD = /[\p{L}\p{N}]+/gu;
  var DIGITS = /^[0-9]+$/;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/\u0153/g, "oe").replace(/\u00e6/g, "ae").replace(/\u02bc/g, "'");
  }
  function stem(word) {
    if (word.length <= MIN_STEM || DIGITS.test(word)) return word;
    if (Object.prototype.hasOwnProperty.call(AIL_PLURALS, word)) word = AIL_PLURALS[word];
    else if (word.length > 4 && word.slice(-3) === "ies") word = word.slice(0, -3) + "y";
    else if (word.length > 5 && word.slice(-3) === "ied") word = word.slice(0, -3) + "y";
    else if (word.length > 4 && word.slice(-3) === "aux" && word.slice(-4) !== "eaux") word = word.slice(0, -3) + "al";
    else if ((word.slice(-1) === "s" || word.slice(-1) === "x") && word.slice(-2) !== "ss") word = word.slice(0, -1);
    for (var i = 0; i < SUFFIXES.length; i++) {
      var suffix = SUFFIXES[i];
      if (word.slice(-suffix.length) === suffix && word.length - suffix.length >= MIN_STEM) {
        word = word.slice(0, -suffix.length);
        break;
      }
    }
    return word.slice(-2) === "qu" ? word.slice(0, -2) + "c" : word;
  }
  function words(text) {
    return (fold(text).replace(INCLUSIVE, "").match(WORD) || []).filter(function (w) {
      return !STOP[w] && (w.length > 1 || DIGITS.test(w));
    });
  }
  function stems(text) {
    var seen = Object.create(null), out = [];
    words(text).forEach(function (w) { var s = stem(w); if (!seen[s]) { seen[s] = true; out.push(s); } });
    return out;
  }
  window.vitrineStems = stems;  // for the tests

  /* A typed word matches a stem that starts with its stem, or a stem it starts with when it is
     only a few letters longer (a word being typed: "creati" finds "creat"; "critiquer" finds
     "crit"). */
  function matches(query, key) {
    return key.lastIndexOf(query.stem, 0) === 0 || (key.length >= 4 && (
      (query.word.length - key.length <= 3 && query.word.lastIndexOf(key, 0) === 0) ||
      (query.stem.length - key.length <= 2 && query.stem.lastIndexOf(key, 0) === 0)));
  }

  /* A typed word that matches no stem may be misspelt: it then matches the stems that start
     within TYPOS(stem) letters of it (a letter missing, added, changed, or two swapped:
     "teatre" finds "theatr", "bibliotehque" "bibliothec"): none under 5 letters, 1 from 5, 2 from 9;
     and the stems of 5 letters or more it starts with, the typo being in its ending
     ("orientaton" finds "orient"). */
  function typos(stem) { return stem.length >= 9 ? 2 : stem.length >= 5 ? 1 : 0; }
  function near(q, key, max) {
    // Optimal string alignment distance from q to the nearest start of key, when at most max.
    var n = Math.min(key.length, q.length + max), before = null, prev = [], row, i, j;
    for (j = 0; j <= n; j++) prev.push(j);
    for (i = 1; i <= q.length; i++) {
      row = [i];
      var least = i;
      for (j = 1; j <= n; j++) {
        var d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (q.charAt(i - 1) === key.charAt(j - 1) ? 0 : 1));
        if (i > 1 && j > 1 && q.charAt(i - 1) === key.charAt(j - 2) && q.charAt(i - 2) === key.charAt(j - 1)) {
          d = Math.min(d, before[j - 2] + 1);
        }
        row.push(d);
        if (d < least) least = d;
      }
      if (least > max) return false;
      before = prev;
      prev = row;
    }
    return Math.min.apply(null, prev) <= max;
  }

  /* ---- The index ---- */
  var entries = null, vocabulary = null, keys = null, loading = null;

  function prepare(data) {
    var f = {};
    data.fields.forEach(function (name, i) { f[name] = i; });
    var issuers = data.issuers;
    function chain(n) {
      var out = [];
      for (var guard = 0; n >= 0 && guard < 50; guard++) { out.push(issuers[n][0]); n = issuers[n][2]; }
      return out;
    }
    entries = data.badges.map(function (b, n) {
      var image = b[f.image];
      return {
        order: n, slug: b[f.slug], name: b[f.name], description: b[f.description],
        issuer: issuers[b[f.issuer]], issuers: chain(b[f.issuer]),
        category: data.categories[b[f.category]], level: b[f.level] === null ? "" : String(b[f.level]),
        competencies: b[f.competencies].map(function (i) { return data.competencies[i]; }),
        tags: b[f.tags].map(function (i) { return data.tags[i][0]; }),
        image: image.charAt(0) === "." ? "badges/" + b[f.slug] + image : image,
        untranslated: b[f.untranslated], nameStems: stems(b[f.name])
      };
    });
    // Each stem lists its badges as gaps from the previous one, in base 36.
    // The badges with each stem in their name, description, issuers, competencies or tags
    // (vocabulary[stem][0]), and those with it in their criteria only ([1]).
    vocabulary = Object.create(null);
    [data.words, data.more || {}].forEach(function (words, field) {
      Object.keys(words).forEach(function (word) {
        var at = 0;
        (vocabulary[word] || (vocabulary[word] = [[], []]))[field] =
          words[word].split(" ").map(function (gap) { at += parseInt(gap, 36); return at; });
      });
    });
  }

  /* When search.json cannot be read (a page opened from disk), a page that lists every badge
     is searched through its own cards. */
  function fromCards() {
    if (!cfg.complete) throw new Error("no index");
    entries = original.map(function (card, n) {
      var attr = function (name) { return card.getAttribute("data-" + name) || ""; };
      var title = card.querySelector(".card__title");
      return {
        order: n, slug: attr("slug"), issuers: attr("issuers").split(" "), category: attr("category"),
        level: attr("level"), competencies: [], competencySlugs: attr("competencies").split(" "),
        tags: attr("tags").split(" "), nameStems: stems(title ? title.textContent : "")
      };
    });
    vocabulary = Object.create(null);
    original.forEach(function (card, n) {
      stems(card.textContent).forEach(function (w) { (vocabulary[w] || (vocabulary[w] = [[], []]))[0].push(n); });
    });
  }


  function load() {
    if (!loading) {
      loading = window.fetch(cfg.index, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(prepare)
        .catch(fromCards);
    }
    return loading;
  }

  /* ---- Searching ---- */
  /* A competency code typed with its separators ("COM-1", "CT2.5") is one word, as the index
     has it ("com1": render/search.py's code_key), when the index has such a word; else its parts
     are words as any. */
  var COMPOUND = /[\p{L}\p{N}]+(?:[-.\/][\p{L}\p{N}]+)+/gu;
  function query() {
    var codes = [];
    var text = (input ? input.value : "").replace(COMPOUND, function (token) {
      var key = fold(token).replace(/[^\p{L}\p{N}]/gu, "");
      if (!vocabulary || !/\p{L}/u.test(key) || !/[0-9]/.test(key)) return token;
      keys = keys || Object.keys(vocabulary);
      if (!keys.some(function (k) { return k.lastIndexOf(key, 0) === 0; })) return token;
      codes.push({ word: key, stem: key });
      return " ";
    });
    return codes.concat(words(text).map(function (w) { return { word: w, stem: stem(w) }; }));
  }
  function selected() {
    var out = {};
    selects.forEach(function (select) { if (select.value) out[select.name] = select.value; });
    return out;
  }

  /* The badges that have every typed word, those whose name has them first, then their
     description, issuer, competencies or tags, then their criteria; when no badge has them all,
     those that have some of them, the most first (`partial`). */
  function search(terms, picked) {
    keys = keys || Object.keys(vocabulary);
    var count = new Uint8Array(entries.length), weight = new Uint8Array(entries.length);
    terms.forEach(function (term) {
      var found = keys.filter(function (key) { return matches(term, key); });
      var max = typos(term.stem);
      if (!found.length && max) {
        found = keys.filter(function (key) {
          return near(term.stem, key, max) || (key.length >= 5 && term.word.lastIndexOf(key, 0) === 0);
        });
      }
      var hit = new Uint8Array(entries.length), has = Object.create(null);  // 2: not only in the criteria
      found.forEach(function (key) {
        has[key] = true;
        vocabulary[key][1].forEach(function (n) { hit[n] = hit[n] || 1; });
        vocabulary[key][0].forEach(function (n) { hit[n] = 2; });
      });
      var inName = function (s) { return has[s]; };
      for (var n = 0; n < hit.length; n++) {
        if (!hit[n]) continue;
        count[n]++;
        if (hit[n] === 2) weight[n] += entries[n].nameStems.some(inName) ? 2 : 1;
      }
    });
    var results = entries.filter(function (entry, n) {
      if (terms.length && !count[n]) return false;
      if (picked.category && entry.category !== picked.category) return false;
      if (picked.level && entry.level !== picked.level) return false;
      if (picked.issuer && entry.issuers.indexOf(picked.issuer) === -1) return false;
      if (picked.competency) {
        var slugs = entry.competencySlugs || entry.competencies.map(function (c) { return c[0]; });
        if (slugs.indexOf(picked.competency) === -1) return false;
      }
      if (picked.tag && entry.tags.indexOf(picked.tag) === -1) return false;
      return true;
    });
    var all = results.filter(function (entry) { return count[entry.order] === terms.length; });
    var partial = !all.length && results.length > 0;
    if (!partial) results = all;
    results.partial = partial;
    results.sort(function (a, b) {
      return (count[b.order] - count[a.order]) || (weight[b.order] - weight[a.order]) || (a.order - b.order);
    });
    return results;
  }

  /* ---- Showing ---- */
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function hidden(text) { return element("span", "visually-hidden", text); }

  /* A card like partials/card.html, for a badge that is not on this page. */
  function card(entry) {
    var li = element("li", "card card--" + entry.category);
    li.setAttribute("data-slug", entry.slug);
    var img = element("img", "card__image");
    img.src = cfg.root + entry.image;
    img.alt = "";
    img.width = img.height = 128;
    img.loading = "lazy";
    var body = element("div", "card__body");
    var heading = element("h3", "card__title");
    var link = element("a", "", entry.name);
    link.href = "badges/" + entry.slug + "/";
    if (entry.untranslated & 1) link.lang = cfg.defaultLang;
    heading.appendChild(link);
    var issuer = element("p", "card__issuer");
    issuer.appendChild(hidden(cfg.issuer));
    var issuerName = element("span", "", entry.issuer[1]);
    if (entry.untranslated & 2) issuerName.lang = cfg.defaultLang;
    issuer.appendChild(issuerName);
    var description = element("p", "card__description", entry.description);
    if (entry.untranslated & 1) description.lang = cfg.defaultLang;
    var meta = element("ul", "card__meta");
    var chip = element("li", "chip chip--" + entry.category);
    chip.appendChild(hidden(cfg.category));
    chip.appendChild(document.createTextNode(cfg.categories[entry.category]));
    meta.appendChild(chip);
    if (entry.level) meta.appendChild(element("li", "chip chip--level", cfg.level.replace("999999", entry.level)));
    body.appendChild(heading);
    body.appendChild(issuer);
    body.appendChild(description);
    body.appendChild(meta);
    if (entry.competencies.length) {
      body.appendChild(element("p", "visually-hidden", cfg.competencies));
      var comps = element("ul", "card__competencies");
      entry.competencies.forEach(function (c) {
        var item = element("li", "", c[1]);
        if (c[2]) item.lang = cfg.defaultLang;
        comps.appendChild(item);
      });
      body.appendChild(comps);
    }
    li.appendChild(img);
    li.appendChild(body);
    return li;
  }

  function message(count, partial) {
    var forms = partial ? cfg.partial : cfg.results;
    if (count === 0) return cfg.results.none;
    if (count === 1) return forms.one;
    return forms.other.replace("999999", count.toLocaleString(cfg.lang));
  }

  var limit = cfg.pageSize, results = [], timer = null, lastKey = null;

  function say(text) {
    clearTimeout(timer);
    timer = setTimeout(function () { status.textContent = text; }, 400);
  }

  function show(from) {
    var shown = results.slice(0, limit);
    var fragment = document.createDocumentFragment();
    shown.forEach(function (entry) { fragment.appendChild(nodes[entry.slug] || (nodes[entry.slug] = card(entry))); });
    while (list.firstChild) list.removeChild(list.firstChild);
    list.appendChild(fragment);
    moreBox.hidden = results.length <= limit;
    if (from !== undefined && list.children[from]) {
      var link = list.children[from].querySelector("a");
      if (link) link.focus();
    }
  }

  function restore() {
    while (list.firstChild) list.removeChild(list.firstChild);
    original.forEach(function (node) { list.appendChild(node); });
    moreBox.hidden = true;
    if (pager) pager.hidden = false;
  }

  function state() {
    var params = new URLSearchParams();
    if (input && input.value.trim()) params.set("q", input.value.trim());
    selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
    return params.toString();
  }

  function apply() {
    var terms = query(), picked = selected();
    var active = terms.length > 0 || Object.keys(picked).length > 0;
    var params = state();
    if (window.history && history.replaceState) {
      history.replaceState(null, "", location.pathname + (params ? "?" + params : "") + location.hash);
    }
    if (copyButton) copyButton.hidden = !params;
    if (!active) {
      lastKey = null;
      restore();
      clearTimeout(timer);
      status.textContent = "";
      return;
    }
    if (!entries) {
      status.textContent = cfg.loading;
      load().then(apply, function () { status.textContent = cfg.failed; });
      return;
    }
    var key = JSON.stringify([terms, picked]);
    if (key === lastKey) return;
    lastKey = key;
    results = search(terms, picked);
    limit = cfg.pageSize;
    if (pager) pager.hidden = true;
    show();
    say(message(results.length, results.partial));
  }

  moreButton.addEventListener("click", function () {
    var from = limit;
    limit += cfg.pageSize;
    show(from);
  });

  // Start from the address, so that a filtered view can be shared.
  var initial = new URLSearchParams(location.search);
  if (input && initial.has("q")) input.value = initial.get("q");
  selects.forEach(function (select) {
    var value = initial.get(select.name);
    if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
  });

  // The detailed filters fold away on narrow screens, unless the address already uses them.
  var more = document.getElementById("filters-more");
  if (more && (window.matchMedia("(min-width: 48rem)").matches || selects.some(function (s) { return s.value; }))) {
    more.open = true;
  }

  form.hidden = false;
  var nojs = list.parentNode.querySelector("[data-nojs]");
  if (nojs) nojs.hidden = true;
  var warm = function () { load(); form.removeEventListener("focusin", warm); };
  form.addEventListener("focusin", warm);
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  if (state()) apply();
})();

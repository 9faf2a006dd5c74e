/* Vitrine default theme: what every page may use. Buttons marked data-copy copy a link (the
   attribute's value, else the address of the page) and say so; they stay hidden without
   JavaScript, where the address bar does the same job. The catalogue's search is catalogue.js. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  if (!buttons.length) return;
  var canCopy = (navigator.clipboard && window.isSecureContext) || document.queryCommandSupported && document.queryCommandSupported("copy");
  if (!canCopy) return;
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  document.body.appendChild(live);

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  Array.prototype.forEach.call(buttons, function (button) {
    if (button.id !== "filter-copy") button.hidden = false;  // the catalogue shows its own when a search is on
    var label = button.textContent;
    var timer = null;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy") || location.href;
      var copy = navigator.clipboard && window.isSecureContext ? navigator.clipboard.writeText(text).catch(function () { return fallback(text); }) : fallback(text);
      copy.then(function () {
        var done = button.getAttribute("data-copied") || label;
        button.textContent = done;
        live.textContent = "";
        setTimeout(function () { live.textContent = done; }, 50);
        clearTimeout(timer);
        timer = setTimeout(function () { button.textContent = label; live.textContent = ""; }, 2500);
      }, function () {
        window.prompt(label, text);
      });
    });
  });
})();

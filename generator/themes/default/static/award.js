/* Vitrine award page (/assertions/<id>/): progressive enhancements, nothing sent anywhere.
   - the e-mail check: SHA-256 of the lower-cased address + the published salt, computed by the
     browser (SubtleCrypto), compared with the published identity hash;
   - copy buttons for the LinkedIn values;
   - a page built before the award's expiry date shows "expired" once that date has passed. */
(function () {
  "use strict";

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var form = document.querySelector(".award-check__form");
  if (form && window.crypto && window.crypto.subtle && window.TextEncoder) {
    var result = form.querySelector(".award-check__result");
    form.hidden = false;
    var nojs = document.querySelector(".award-check__nojs");
    if (nojs) nojs.hidden = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var email = form.elements.email.value.trim().toLowerCase();
      if (!email) return;
      var data = new TextEncoder().encode(email + form.getAttribute("data-salt"));
      window.crypto.subtle.digest("SHA-256", data).then(function (digest) {
        var match = "sha256$" + hex(digest) === form.getAttribute("data-identity").toLowerCase();
        result.textContent = result.getAttribute(match ? "data-yes" : "data-no");
        result.className = "award-check__result award-check__result--" + (match ? "yes" : "no");
      });
    });
  }

  if (navigator.clipboard) {
    Array.prototype.forEach.call(document.querySelectorAll(".award-copy"), function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
          button.textContent = button.getAttribute("data-done");
          window.setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  var status = document.querySelector("[data-award-status='valid'][data-expires]");
  if (status) {
    var today = new Date().toISOString().slice(0, 10);
    if (status.getAttribute("data-expires") <= today) {
      var valid = status.querySelector("[data-award-valid]");
      var expired = status.querySelector("[data-award-expired]");
      if (valid && expired) {
        valid.hidden = true;
        expired.hidden = false;
        status.className = status.className.replace("award-status--valid", "award-status--expired");
        document.querySelector(".award").className = document.querySelector(".award").className.replace("award--valid", "award--expired");
      }
    }
  }
})();

/* Vitrine /verify/: what was given when it is not an award, and what an issuer's site still says of
   a revoked one, as generator/verify_about.py does for `vitrine verify`. Loaded before verify.js,
   which calls window.vitrineAbout; it reads what it is handed and fetches only with the fetchJSON
   it is given.
   - describe(document, fetchJSON): a BadgeClass or Achievement, an issuer's profile, a key, a
     revocation or status list, a DID document: {key, values} of the message that says what it is
     (key "about_badge", "about_issuer" or "about_document"), or null for anything else.
   - jsonLink(html, url): the JSON a badge's or an issuer's page names in
     <link rel="alternate" type="application/json">.
   - awardPage(html, url, assertionId): on an award's page that links to assertionId (its
     <link rel="alternate" type="application/ld+json">), the badge's name, the issuer's and the day
     it was revoked, as Vitrine's award pages show them; null for any other page.
   - page(html, url, fetchJSON), revoked(assertionId, fetchBytes): the same, fetched (below). */
(function () {
  "use strict";

  function list(value) { return Array.isArray(value) ? value : (value === undefined || value === null ? [] : [value]); }

  function text(value) {
    if (value && typeof value === "object") {  // a language map
      value = Object.keys(value).map(function (k) { return value[k]; }).filter(function (v) { return typeof v === "string"; })[0];
    }
    return typeof value === "string" ? value.trim() : "";
  }

  var DOCUMENTS = ["BitstringStatusListCredential", "StatusList2021Credential", "CryptographicKey", "RevocationList"];

  function describe(document_, fetchJSON) {
    if (!document_ || typeof document_ !== "object" || Array.isArray(document_)) return Promise.resolve(null);
    var types = list(document_.type), name = text(document_.name);
    var has = function (t) { return types.indexOf(t) >= 0; };
    if (has("BadgeClass") || has("Achievement")) {
      var issuer = document_.issuer || document_.creator;
      var named = issuer && typeof issuer === "object" ? Promise.resolve(text(issuer.name))
        : typeof issuer === "string" && /^https?:\/\//.test(issuer)
          ? fetchJSON(issuer).then(function (p) { return text(p && p.name) || issuer; }, function () { return issuer; })
          : Promise.resolve("?");
      return named.then(function (by) { return {key: "about_badge", values: {badge: name, issuer: by}}; });
    }
    var kind = DOCUMENTS.filter(has)[0];
    if (kind) return Promise.resolve({key: "about_document", values: {kind: kind}});
    if (has("Issuer") || has("Profile")) return Promise.resolve({key: "about_issuer", values: {issuer: name}});
    if (typeof document_.id === "string" && document_.id.indexOf("did:") === 0 && (document_.verificationMethod || document_.assertionMethod)) {
      return Promise.resolve({key: "about_document", values: {kind: "DID document"}});
    }
    return Promise.resolve(null);
  }

  function parse(html) { return new DOMParser().parseFromString(html, "text/html"); }

  function base(doc, url) {
    var canonical = doc.querySelector('link[rel~="canonical"][href]');
    try { return canonical ? new URL(canonical.getAttribute("href"), url).href : url; } catch (e) { return url; }
  }

  function jsonLink(html, url) {
    var doc = parse(html), link = doc.querySelector('link[rel~="alternate"][type="application/json"][href]');
    try { return link ? new URL(link.getAttribute("href"), base(doc, url)).href : ""; } catch (e) { return ""; }
  }

  function awardPage(html, url, assertionId) {
    var doc = parse(html), link = doc.querySelector('link[rel~="alternate"][type="application/ld+json"][href]');
    var linked = "";
    try { linked = link ? new URL(link.getAttribute("href"), base(doc, url)).href : ""; } catch (e) { return null; }
    var badge = doc.querySelector(".award__badge-name"), issuer = doc.querySelector(".award__issuer a");
    if (linked !== assertionId || !badge) return null;  // not this award's page
    var day = doc.querySelector('[data-award-status="revoked"] time[datetime]');
    return {badge: badge.textContent.replace(/\s+/g, " ").trim(), issuer: issuer ? issuer.textContent.replace(/\s+/g, " ").trim() : "?",
            revokedOn: day ? day.getAttribute("datetime") : ""};
  }

  // What a web page that links to no award is: a badge's or an issuer's page (it names its JSON),
  // {key: "about_badge_page" or "about_issuer_page", values}; else {key: "about_page"}.
  function page(html, url, fetchJSON) {
    var link = jsonLink(html, url);
    var about = link ? fetchJSON(link).then(function (d) { return describe(d, fetchJSON); }).catch(function () { return null; })
      : Promise.resolve(null);
    return about.then(function (found) {
      return found && found.key !== "about_document" ? {key: found.key + "_page", values: found.values} : {key: "about_page"};
    });
  }

  // A revoked 2.0 badge at …/assertions/<id>.json keeps only its id and the reason: its page, where
  // Vitrine publishes it (…/assertions/<id>/), read when it links to it: {page, badge, issuer, revokedOn} or null.
  function revoked(assertionId, fetchBytes) {
    var m = typeof assertionId === "string" ? /^(https?:\/\/.+\/assertions\/[^\/?#]+)\.json$/.exec(assertionId) : null;
    if (!m) return Promise.resolve(null);
    var url = m[1] + "/";
    return fetchBytes(url).then(function (bytes) {
      var found = awardPage(new TextDecoder("utf-8").decode(bytes), url, assertionId);
      if (found) found.page = url;
      return found;
    }, function () { return null; });
  }

  // A revoked 3.0 credential at …/credentials/<id>.json names its badge itself, but neither its day nor
  // why: Vitrine publishes both for the same award, its page (…/assertions/<id>/, the day) and its
  // 2.0 assertion (…/assertions/<id>.json, the reason). {page, revokedOn, reason} or null.
  function revokedCredential(credentialId, fetchBytes) {
    var m = typeof credentialId === "string" ? /^(https?:\/\/.+)\/credentials\/([^\/?#]+)\.json$/.exec(credentialId) : null;
    if (!m) return Promise.resolve(null);
    var assertionId = m[1] + "/assertions/" + m[2] + ".json";
    return revoked(assertionId, fetchBytes).then(function (found) {
      if (!found || !found.revokedOn) return null;
      return fetchBytes(assertionId).then(function (bytes) {
        var hosted = JSON.parse(new TextDecoder("utf-8").decode(bytes));
        found.reason = hosted && hosted.revoked === true && typeof hosted.revocationReason === "string" ? hosted.revocationReason : "";
        return found;
      }).catch(function () { found.reason = ""; return found; });
    });
  }

  window.vitrineAbout = {describe: describe, jsonLink: jsonLink, awardPage: awardPage, page: page, revoked: revoked,
                         revokedCredential: revokedCredential};
})();

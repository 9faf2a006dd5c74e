/* Vitrine /verify/: check an Open Badge in the browser, and say plainly what was checked.
   Input: a URL (fetched: the issuer's site must allow it, CORS), pasted JSON, a JWS, or a PNG,
   SVG or JSON file (chosen or dropped). Baked images are read as Vitrine's baking.py writes them
   and as the standards say (PNG iTXt/tEXt/zTXt "openbadgecredential" or "openbadges"; SVG
   <openbadges:credential> or <openbadges:assertion>, CDATA or verify attribute).

   Open Badges 3.0 credential: structure, the copy published at its id (when an http(s) URL), the issuer's key (a did:web DID document is fetched and
   must list the proof's key as an assertion method; a did:key holds its key), the status list
   (fetched, bit read, its own signature checked), validity dates, and the recipient (SHA-256 of
   address + salt). Signatures (eddsa-rdfc-2022) are checked by static/verify-ob3.js, as `vitrine
   verify` checks them.
   Open Badges 2.0: hosted assertions are read again at their id (revoked? same as this one? on the
   issuer's own site?), signed ones (JWS RS256) are verified with the key they name (Web Crypto),
   which must be the issuer's (owned by its profile and named by it, or retired after the badge was
   issued), with the issuer's revocation list; expiry and recipient as above.
   Nothing is sent anywhere but the GET requests for the badge's own documents. */
(function () {
  "use strict";

  var form = document.querySelector("[data-verify]");
  var stringsNode = document.getElementById("verify-strings");
  if (!form || !stringsNode || !window.fetch || !window.crypto || !window.crypto.subtle || !window.TextDecoder ||
      !window.vitrineRead) return;
  var S = JSON.parse(stringsNode.textContent);
  var About = window.vitrineAbout;  // verify-about.js: what is not an award, and revoked awards' pages
  var resultBox = document.querySelector("[data-result]");
  var verdictNode = document.querySelector("[data-verdict]");
  var checksNode = document.querySelector("[data-checks]");
  var limitsNode = document.querySelector("[data-limits]");
  form.hidden = false;
  var nojs = document.querySelector("[data-nojs]");
  if (nojs) nojs.hidden = true;

  function fmt(key, values) {
    var text = S[key] || key;
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  /* A date as people read it, in the page's language, as the award pages write it (the site's
     strings date.long, date.first_day and date.months: "1er mars 2024", "1 March 2024"), with the
     time (UTC) only when it is not midnight; the text as it is when it is not a date. It read
     "2024-03-01T00:00:00+00:00". */
  function when(value) {
    var time = typeof value === "string" ? Date.parse(value) : NaN;
    if (isNaN(time) || !Array.isArray(S.date_months) || typeof S.date_long !== "string") return value;
    var moment = new Date(time), day = moment.getUTCDate();
    var text = S.date_long.replace(/\{(day|month|year)\}/g, function (all, name) {
      return name === "day" ? (day === 1 && S.date_first_day ? S.date_first_day : String(day))
        : name === "month" ? S.date_months[moment.getUTCMonth()] : String(moment.getUTCFullYear());
    });
    if (moment.getUTCHours() || moment.getUTCMinutes() || moment.getUTCSeconds()) {
      text += ", " + moment.toISOString().slice(11, 16) + " UTC";
    }
    return text;
  }

  function list(value) { return Array.isArray(value) ? value : (value === undefined || value === null ? [] : [value]); }

  // -- reading what was given: verify-read.js -------------------------------------------------

  var utf8 = new TextDecoder("utf-8");
  var inflate = window.vitrineRead.inflate, extract = window.vitrineRead.extract;

  function fetchBytes(url) {
    return fetch(url, {headers: {Accept: "application/ld+json, application/json;q=0.9, */*;q=0.5"}, credentials: "omit"})
      .then(function (response) {
        if (!response.ok) { var error = new Error(url + ": HTTP " + response.status); error.status = response.status; throw error; }
        return response.arrayBuffer();
      })
      .then(function (buffer) { return new Uint8Array(buffer); });
  }

  function fetchJSON(url) {
    return fetchBytes(url).then(function (bytes) { return JSON.parse(utf8.decode(bytes)); });
  }

  function b64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function sha256hex(text) {
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(hex);
  }

  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) { return JSON.stringify(k) + ":" + canonical(value[k]); }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function didWebUrl(did) {
    var parts = did.split("#")[0].slice("did:web:".length).split(":").map(decodeURIComponent);
    return parts.length === 1 ? "https://" + parts[0] + "/.well-known/did.json"
      : "https://" + parts[0] + "/" + parts.slice(1).join("/") + "/did.json";
  }

  function origin(url) {
    try { return new URL(url).origin; } catch (e) { return ""; }
  }

  function issuerId(credential) {
    var issuer = credential.issuer;
    return issuer && typeof issuer === "object" ? issuer.id : issuer;
  }

  // -- the report -------------------------------------------------------------------------------

  var showWhenDone = false;

  function Report() { this.checks = []; this.kind = ""; this.signatureChecked = false; this.name = ""; this.limits = ""; this.verdict = ""; this.expiredOn = ""; this.revoked = false; }
  Report.prototype.add = function (name, status, message) { this.checks.push({name: name, status: status, message: message}); };
  Report.prototype.addRevoked = function (name, message) { this.revoked = true; this.add(name, "fail", message); };
  Report.prototype.failed = function () { return this.checks.some(function (c) { return c.status === "fail"; }); };

  function show(report) {
    checksNode.textContent = "";
    report.checks.forEach(function (c) {
      var li = document.createElement("li");
      li.className = "verify__check verify__check--" + c.status;
      var mark = document.createElement("span");
      mark.className = "verify__mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = c.status === "pass" ? "✓" : c.status === "fail" ? "✗" : "–";
      var text = document.createElement("span");
      var strong = document.createElement("strong");
      strong.textContent = S["name_" + c.name] || c.name;
      text.appendChild(strong);
      var colon = document.documentElement.lang === "fr" ? "\u00a0: " : ": ";
      text.appendChild(document.createTextNode(colon + c.message));
      li.appendChild(mark);
      li.appendChild(text);
      checksNode.appendChild(li);
    });
    var values = {kind: report.kind, name: report.name, until: report.expiredOn};
    var failed = report.checks.filter(function (c) { return c.status === "fail"; });
    // genuine and only out of date: said so, not "NOT valid", which reads as a forged badge
    var expiredOnly = report.signatureChecked && report.expiredOn && failed.length === 1 && failed[0].name === "validity";
    var verdict = report.revoked ? "verdict_revoked" : expiredOnly ? "verdict_expired" : report.failed() ? "verdict_invalid"
      : report.signatureChecked ? "verdict_valid" : "verdict_nothing_wrong";
    verdictNode.textContent = (report.kind ? report.kind + " — " : "") + fmt(report.verdict || verdict, values);
    limitsNode.textContent = report.limits;
    resultBox.hidden = false;
    if (showWhenDone) {  // checked on arrival: the result is what the visitor came for
      showWhenDone = false;
      resultBox.scrollIntoView({block: "start"});
    }
  }

  // -- Open Badges 3.0 -------------------------------------------------------------------------------

  function checkRecipient(report, subjects, email) {
    if (!email) { report.add("recipient", "skip", fmt("recipient_skip")); return Promise.resolve(); }
    var ids = [];
    list(subjects).forEach(function (s) {
      if (s && typeof s === "object") list(s.identifier).forEach(function (i) { if (i && i.identityType === "emailAddress") ids.push(i); });
    });
    if (!ids.length) { report.add("recipient", "fail", fmt("recipient_none")); return Promise.resolve(); }
    var address = email.trim().toLowerCase();
    return Promise.all(ids.map(function (i) {
      var value = String(i.identityHash || "");
      if (i.hashed !== true && i.hashed !== "true") return Promise.resolve(value.trim().toLowerCase() === address);
      return sha256hex(address + (i.salt || "")).then(function (h) { return value.toLowerCase() === "sha256$" + h; });
    })).then(function (matches) {
      var ok = matches.some(Boolean);
      report.add("recipient", ok ? "pass" : "fail", fmt(ok ? "recipient_ok" : "recipient_bad", {email: email}));
    });
  }

  function checkValidity(report, from, until) {
    var now = Date.now(), start = from ? Date.parse(from) : NaN, end = until ? Date.parse(until) : NaN;
    if (!isNaN(start) && start > now) report.add("validity", "fail", fmt("validity_future", {from: when(from)}));
    else if (!isNaN(end) && end <= now) {
      report.add("validity", "fail", fmt("validity_expired", {until: when(until)}));
      report.expiredOn = when(until);
    }
    else report.add("validity", "pass", fmt(until ? "validity_ok" : "validity_open", {from: from ? when(from) : "?", until: when(until)}));
  }

  function checkKey(report, credential) {
    var proof = list(credential.proof)[0] || {};
    var method = proof.verificationMethod, issuer = issuerId(credential);
    if (typeof method !== "string") { report.add("key", "fail", fmt("key_bad", {method: "?", issuer: issuer})); return Promise.resolve(); }
    var did = method.split("#")[0];
    if (did !== issuer) { report.add("key", "fail", fmt("key_bad", {method: method, issuer: issuer})); return Promise.resolve(); }
    if (did.indexOf("did:key:") === 0) { report.add("key", "pass", fmt("key_didkey", {method: method})); return Promise.resolve(); }
    if (did.indexOf("did:web:") !== 0) { report.add("key", "skip", fmt("key_unread", {url: method, error: "did:web / did:key"})); return Promise.resolve(); }
    var url = didWebUrl(did);
    return fetchJSON(url).then(function (doc) {
      var listed = list(doc.assertionMethod).map(function (m) {
        var id = m && typeof m === "object" ? m.id : m;
        return typeof id === "string" && id.charAt(0) === "#" ? did + id : id;
      });
      var found = list(doc.verificationMethod).filter(function (m) { return m && m.id === method; })[0];
      if (doc.id === did && found && found.revoked) {  // withdrawn by the issuer (a compromised key)
        report.add("key", "fail", fmt("key_withdrawn", {method: method, when: when(found.revoked), url: url}));
        return;
      }
      var ok = doc.id === did && listed.indexOf(method) >= 0;
      report.add("key", ok ? "pass" : "fail", fmt(ok ? "key_ok" : "key_bad", {method: method, issuer: issuer, url: url}));
    }, function (error) {
      report.add("key", "skip", fmt("key_unread", {url: url, error: error.message}));
    });
  }

  function checkStatus(report, credential) {
    var entries = list(credential.credentialStatus).filter(function (e) { return e && e.type === "BitstringStatusListEntry"; });
    if (!entries.length) { report.add("status", "skip", fmt("status_none")); return Promise.resolve(); }
    var entry = entries[0], url = entry.statusListCredential, index = parseInt(entry.statusListIndex, 10);
    // a list that could not be had is not checked (–); one that is not this issuer's, or is not a
    // status list, is a failed check (✗), as for vitrine verify: it was "not checked" here, and a
    // credential pointed at a list of someone else's could hide its revocation
    var bad = {};
    return fetchJSON(url).then(function (statusList) {
      if (issuerId(statusList) !== issuerId(credential)) throw bad;
      var encoded = statusList.credentialSubject && statusList.credentialSubject.encodedList;
      if (typeof encoded !== "string") throw bad;
      return inflate(b64url(encoded.charAt(0) === "u" ? encoded.slice(1) : encoded), "gzip").catch(function () { throw bad; }).then(function (bits) {
        if (!(index >= 0) || (index >> 3) >= bits.length) throw bad;
        var set = (bits[index >> 3] >> (7 - (index & 7))) & 1;
        var purpose = entry.statusPurpose || "revocation";
        if (set) {
          if (purpose === "suspension") report.add("status", "fail", fmt("status_suspended", {index: index, url: url}));
          else report.addRevoked("status", fmt("status_revoked", {index: index, url: url}));
          // when and why: not in the credential nor the list; the issuer's award page and 2.0 assertion say
          if (purpose === "suspension" || !About) return;
          return About.revokedCredential(credential.id, fetchBytes).then(function (found) {
            if (found) report.add("revoked", "skip", fmt(found.reason ? "revoked_when_why" : "revoked_when",
                                                          {url: found.page, when: when(found.revokedOn), reason: found.reason}));
          });
        }
        // "not revoked" is the list's word: it counts if the issuer signed it (as vitrine verify requires)
        return checkStatusListSignature(statusList, credential).then(function (signature) {
          if (signature.status === "pass") report.add("status", "pass", fmt("status_ok_signed", {index: index, url: url}));
          else if (signature.status === "skip") report.add("status", "pass", fmt("status_ok", {index: index, url: url}));
          else report.add("status", "fail", fmt("status_unsigned", {url: url, why: fmt(signature.message, signature.values).replace(/\.$/, "")}));
        });
      });
    }).catch(function (error) {
      if (error === bad) report.add("status", "fail", fmt("status_bad", {url: url}));
      else report.add("status", "skip", fmt("status_unread", {url: url, error: error.message}));
    });
  }

  /* A credential's id is, for Vitrine and many issuers, the https address it is published at: the
     copy given here is compared with that one. Without a valid signature, a copy that differs was
     changed, or the page cannot tell: a failure. With one (`signed`), it is the issuer's own copy
     and the published one a newer version (Vitrine signs a credential again when its badge is
     edited): said, with what differs, and not a failure, as for vitrine verify. */
  function checkPublished(report, credential, signed) {
    var id = credential.id;
    if (typeof id !== "string" || !/^https?:\/\/\S+$/.test(id)) return Promise.resolve();
    return fetchBytes(id).then(function (bytes) { return extract(bytes); }).then(function (found) {
      var published = JSON.parse(found[0]);
      if (!published || typeof published !== "object") throw new Error("JSON?");
      var same = canonical(published) === canonical(credential);
      if (!same && signed) {  // the published one is called signed only if its own signature holds
        var signedOn = (list(published.proof)[0] || {}).created;
        var changes = window.vitrineVerifyOb3.changes(credential, published).map(function (k) { return fmt(k); }).join(", ");
        return checkOb3Signature(published).then(function (theirs) {
          report.add("published", "skip", fmt(theirs.status === "pass" ? "published_newer" : "published_other",
                                              {url: id, changes: changes, when: signedOn ? when(signedOn) : "?"}));
        });
      }
      report.add("published", same ? "pass" : "fail", fmt(same ? "published_ok" : "published_bad", {url: id}));
    }).catch(function (error) {
      report.add("published", "skip", fmt("published_unread", {url: id, error: error.message}));
    });
  }

  // The status list's signature, by a key of the credential's issuer (its DID), as for the credential
  function checkStatusListSignature(statusList, credential) {
    var method = (list(statusList.proof)[0] || {}).verificationMethod;
    if (typeof method === "string" && method.split("#")[0] !== issuerId(credential)) {
      return Promise.resolve({status: "fail", message: "key_bad", values: {method: method, issuer: issuerId(credential)}});
    }
    return checkOb3Signature(statusList);
  }

  // verify-ob3.js's check of the signature; a page without it (a site's own theme) says as before
  function checkOb3Signature(credential) {
    if (!window.vitrineVerifyOb3) return Promise.resolve({status: "skip", message: "signature_ob3", values: {}});
    return window.vitrineVerifyOb3.checkSignature(credential, {fetchJSON: fetchJSON, didWebUrl: didWebUrl});
  }

  function checkOb3(report, credential, email) {
    report.kind = fmt("kind_ob3");
    var subject = list(credential.credentialSubject)[0] || {};
    var achievement = subject.achievement || {};
    report.name = achievement.name || credential.name || "";
    var contexts = list(credential["@context"]), types = list(credential.type);
    var ok = contexts[0] === "https://www.w3.org/ns/credentials/v2" &&
      contexts.some(function (c) { return typeof c === "string" && c.indexOf("https://purl.imsglobal.org/spec/ob/v3p0/context") === 0; }) &&
      types.indexOf("VerifiableCredential") >= 0 && (types.indexOf("OpenBadgeCredential") >= 0 || types.indexOf("AchievementCredential") >= 0) &&
      issuerId(credential) && achievement.name && credential.validFrom;
    report.add("structure", ok ? "pass" : "fail", fmt(ok ? "structure_ok" : "structure_bad"));
    if (ok) {  // what it is and who issued it, as for a 2.0 badge (a 3.0 result named neither)
      var issuer = credential.issuer, issuerName = issuer && typeof issuer === "object" && typeof issuer.name === "string" ? issuer.name : "";
      report.add("badge", "pass", fmt("badge_ok", {badge: achievement.name, issuer: issuerName || issuerId(credential)}));
    }
    report.limits = fmt("limits_ob3");
    return checkOb3Signature(credential).then(function (signature) {
      report.add("signature", signature.status, fmt(signature.message, signature.values));
      report.signatureChecked = signature.status === "pass";
      if (signature.status !== "skip") report.limits = fmt("limits_ob3_signed");
      return checkPublished(report, credential, report.signatureChecked);
    })
      .then(function () { return checkKey(report, credential); })
      .then(function () { return checkStatus(report, credential); })
      .then(function () { checkValidity(report, credential.validFrom, credential.validUntil); })
      .then(function () { return checkRecipient(report, credential.credentialSubject, email); });
  }

  // -- Open Badges 2.0 -------------------------------------------------------------------------------

  function checkOb2Common(report, assertion, email) {
    checkValidity(report, assertion.issuedOn, assertion.expires);
    if (!email) { report.add("recipient", "skip", fmt("recipient_skip")); return Promise.resolve(); }
    var recipient = assertion.recipient || {}, address = email.trim().toLowerCase();
    var done = recipient.hashed ? sha256hex(address + (recipient.salt || "")).then(function (h) {
      return String(recipient.identity || "").toLowerCase() === "sha256$" + h;
    }) : Promise.resolve(String(recipient.identity || "").trim().toLowerCase() === address);
    return done.then(function (ok) { report.add("recipient", ok ? "pass" : "fail", fmt(ok ? "recipient_ok" : "recipient_bad", {email: email})); });
  }

  function badgeAndIssuer(report, assertion) {
    var badge = assertion.badge;
    var getBadge = typeof badge === "string" ? fetchJSON(badge) : Promise.resolve(badge || {});
    return getBadge.then(function (badgeClass) {
      var issuer = badgeClass.issuer;
      return (typeof issuer === "string" ? fetchJSON(issuer) : Promise.resolve(issuer || {})).then(function (profile) {
        report.name = badgeClass.name || "";
        report.add("badge", "pass", fmt("badge_ok", {badge: badgeClass.name, issuer: profile.name}));
        return profile;
      });
    }).catch(function (error) {
      report.add("badge", "fail", fmt("badge_bad", {error: error.message}));
      return null;
    });
  }

  function notAward(report, about) {
    report.kind = fmt("kind_not_award");
    report.add("type", "fail", fmt(about.key, about.values) + " " + fmt("advice"));
  }

  // A revoked 2.0 badge keeps only its id and the reason: which badge it was, as its award page says.
  function revokedNamed(report, id) {
    return (About ? About.revoked(id, fetchBytes) : Promise.resolve(null)).then(function (found) {
      if (found) report.name = found.badge;
      report.add("badge", "skip", found ? fmt("revoked_named", {url: found.page, badge: found.badge, issuer: found.issuer,
        when: found.revokedOn ? when(found.revokedOn) : "?"}) : fmt("revoked_unnamed"));
    });
  }

  function checkHosted(report, assertion, email) {
    report.kind = fmt("kind_ob2");
    report.limits = fmt("limits_ob2");
    if (assertion.revoked === true) { report.addRevoked("hosted", fmt("revoked", {reason: assertion.revocationReason || ""})); return revokedNamed(report, assertion.id); }
    var id = assertion.id;
    return fetchJSON(id).then(function (hosted) {
      if (hosted.revoked === true) { report.addRevoked("hosted", fmt("revoked", {reason: hosted.revocationReason || ""})); return revokedNamed(report, id); }
      if (canonical(hosted) !== canonical(assertion)) { report.add("hosted", "fail", fmt("hosted_bad", {url: id})); return; }
      report.add("hosted", "pass", fmt("hosted_ok", {url: id}));
      report.signatureChecked = true;  // the issuer's own site vouches for this copy
      return badgeAndIssuer(report, hosted).then(function (profile) {
        if (profile) {
          var ok = origin(id) === origin(profile.id);
          report.add("issuer", ok ? "pass" : "fail", fmt(ok ? "origin_ok" : "origin_bad", {origin: origin(id)}));
        }
        return checkOb2Common(report, hosted, email);
      });
    }, function (error) {
      report.add("hosted", "fail", fmt("hosted_unread", {url: id, error: error.message}));
    });
  }

  // The key that signed must be the issuer's: owned by its profile, and named by it (publicKey), or
  // retired (its document's `expires`) after the badge was issued; never withdrawn (`revoked`). Anyone can sign with a key of
  // their own and name a real issuer's badge: the signature alone proves nothing.
  function checkOb2Key(report, assertion, creator, key, profile) {
    var owned = key.owner === profile.id;
    var named = list(profile.publicKey).some(function (k) { return (k && typeof k === "object" ? k.id : k) === creator; });
    var ended = Date.parse(key.expires), issued = Date.parse(assertion.issuedOn);
    if (key.revoked) report.add("key", "fail", fmt("key_ob2_withdrawn", {url: creator, when: when(key.revoked)}));
    else if (owned && named) report.add("key", "pass", fmt("key_ob2_ok", {issuer: profile.id}));
    else if (owned && !isNaN(ended) && !isNaN(issued) && issued < ended) {
      report.add("key", "pass", fmt("key_ob2_retired", {issuer: profile.id, when: when(key.expires)}));
    } else report.add("key", "fail", fmt(owned ? "key_ob2_unnamed" : "key_ob2_not_owned", {url: creator, issuer: profile.id}));
  }

  function checkSigned(report, token, email) {
    report.kind = fmt("kind_ob2_signed");
    report.limits = fmt("limits_ob2");
    var parts = token.split("."), assertion;
    try { assertion = JSON.parse(utf8.decode(b64url(parts[1]))); } catch (e) { report.add("structure", "fail", fmt("not_badge")); return Promise.resolve(); }
    var creator = (assertion.verification || {}).creator;
    return fetchJSON(creator).then(function (key) {
      var pem = String(key.publicKeyPem || "").replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
      return window.crypto.subtle.importKey("spki", b64url(pem.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")),
        {name: "RSASSA-PKCS1-v1_5", hash: "SHA-256"}, false, ["verify"])
        .then(function (publicKey) {
          return window.crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, b64url(parts[2]), new TextEncoder().encode(parts[0] + "." + parts[1]));
        }).then(function (ok) {
          report.add("signature", ok ? "pass" : "fail", fmt(ok ? "jws_ok" : "jws_bad", {url: creator}));
          report.signatureChecked = ok;
          return badgeAndIssuer(report, assertion).then(function (profile) {
            if (profile) checkOb2Key(report, assertion, creator, key, profile);
            if (profile && profile.revocationList) {
              return fetchJSON(profile.revocationList).then(function (listing) {
                var revoked = list(listing.revokedAssertions).filter(function (r) {
                  return (r && typeof r === "object" ? r.id || r.uid : r) === assertion.id;
                });
                if (revoked.length) report.addRevoked("status", fmt("revoked", {reason: revoked[0].revocationReason || ""}));
                else report.add("status", "pass", fmt("revocation_list_ok", {url: profile.revocationList}));
              }, function (error) {
                report.add("status", "skip", fmt("revocation_list_unread", {url: profile.revocationList, error: error.message}));
              });
            }
            // (an issuer whose profile could not be read may well publish one: the badge's line says so)
            if (profile) report.add("status", "skip", fmt("revocation_list_none"));
          }).then(function () { return checkOb2Common(report, assertion, email); });
        });
    }, function (error) {
      report.add("signature", "fail", fmt("jws_unread", {url: creator, error: error.message}));
    });
  }

  // -- dispatch --------------------------------------------------------------------------------------

  function isSigned(document_) {
    var verification = document_.verification;
    return Boolean(verification) && /^signed(badge)?$/i.test(String(verification.type || ""));
  }

  // A signed assertion's JSON at .../<id>.json: its signature is in the JWS published beside it
  // (<id>.jws, as Vitrine publishes them), when that signs the same assertion (verify_ob2.jws_beside).
  function jwsBeside(url, document_) {
    if (!url || !/\.json$/.test(url)) return Promise.resolve(null);
    return fetchBytes(url.slice(0, -".json".length) + ".jws").then(function (bytes) {
      var token = utf8.decode(bytes).trim();
      var signed = JSON.parse(utf8.decode(b64url(token.split(".")[1] || "")));
      return signed && signed.id === document_.id ? token : null;
    }).catch(function () { return null; });
  }

  // A signed assertion's JSON pasted or dropped (a file downloaded, or copied from output/): the JWS
  // published at its id (.json -> .jws), when it signs exactly this JSON (verify_ob2.check_signed_json).
  function jwsAtId(document_) {
    var id = document_.id;
    if (typeof id !== "string" || !/^https?:\/\/\S+\.json$/.test(id)) return Promise.resolve({});
    var url = id.slice(0, -".json".length) + ".jws";
    return fetchBytes(url).then(function (bytes) {
      var token = utf8.decode(bytes).trim();
      var signed = JSON.parse(utf8.decode(b64url(token.split(".")[1] || "")));
      return canonical(signed) === canonical(document_) ? {token: token} : {differs: url};
    }).catch(function () { return {}; });
  }

  // `followed`: a page was followed already (once only); `from`: the URL the text was read from
  function checkText(text, email, followed, from) {
    var report = new Report();
    if (typeof text === "object") {  // a web page that is not an award's
      return About.page(text.page, text.url, fetchJSON).then(function (about) { notAward(report, about); return report; });
    }
    text = text.trim();
    if (/^https?:\/\/\S+$/.test(text)) {
      return fetchBytes(text).then(function (bytes) { return extract(bytes, followed ? null : text); }).then(function (found) {
        if (!found.length) { report.add("structure", "fail", fmt("not_badge")); return report; }
        return checkText(found[0], email, true, text);
      });
    }
    if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text)) {
      return checkSigned(report, text, email).then(function () { return report; });
    }
    var document_;
    try { document_ = JSON.parse(text); } catch (e) { report.add("structure", "fail", fmt("not_badge")); return Promise.resolve(report); }
    var contexts = list(document_["@context"]), types = list(document_.type);
    return (About ? About.describe(document_, fetchJSON) : Promise.resolve(null)).then(function (about) {
      if (about) { notAward(report, about); return report; }
      return checkDocument(report, document_, contexts, types, email, from);
    });
  }

  function checkDocument(report, document_, contexts, types, email, from) {
    var done;
    if (types.indexOf("VerifiableCredential") >= 0 || contexts.indexOf("https://www.w3.org/ns/credentials/v2") >= 0) done = checkOb3(report, document_, email);
    else if ((types.indexOf("Assertion") >= 0 || (document_.recipient && document_.badge)) && isSigned(document_)) {
      done = jwsBeside(from, document_).then(function (token) {
        return token ? {token: token} : from ? {} : jwsAtId(document_);
      }).then(function (found) {
        if (found.token) return checkSigned(report, found.token, email);
        report.kind = fmt("kind_ob2_signed");
        if (found.differs) { report.add("signature", "fail", fmt("signed_json_differs", {url: found.differs})); return; }
        // no JWS at its id: a revoked award is signed no more, and its hosted copy says so
        return fetchJSON(document_.id).then(function (hosted) {
          if (hosted && hosted.revoked === true) {
            report.addRevoked("status", fmt("revoked", {reason: hosted.revocationReason || ""}));
            return revokedNamed(report, document_.id);
          }
          report.add("signature", "fail", fmt("signed_json"));
        }, function () { report.add("signature", "fail", fmt("signed_json")); });
      });
    }
    else if (types.indexOf("Assertion") >= 0 || (document_.recipient && document_.badge)) done = checkHosted(report, document_, email);
    else { report.add("structure", "fail", fmt("not_badge")); done = Promise.resolve(); }
    return done.then(function () { return report; });
  }

  var drop = document.querySelector("[data-drop]");
  if (drop) {
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("verify__drop--over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("verify__drop--over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        form.elements.file.files = event.dataTransfer.files;
        form.elements.url.value = form.elements.text.value = "";  // the dropped file is the badge to check
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
  }

  // One badge at a time: what is given last (an address, a pasted text, a file) replaces the others.
  // A file chosen before was checked again, whatever address or text was given after it.
  var inputs = [form.elements.url, form.elements.text, form.elements.file];
  inputs.forEach(function (input) {
    input.addEventListener(input === form.elements.file ? "change" : "input", function () {
      if (input === form.elements.file && !(input.files && input.files.length)) return;
      inputs.forEach(function (other) { if (other !== input) other.value = ""; });
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = form.elements.email.value.trim();
    var file = form.elements.file.files && form.elements.file.files[0];
    var url = form.elements.url.value.trim(), pasted = form.elements.text.value.trim();
    resultBox.hidden = false;
    checksNode.textContent = "";
    limitsNode.textContent = "";
    verdictNode.textContent = fmt("checking");
    var source = file ? file.arrayBuffer().then(function (b) { return extract(new Uint8Array(b)); })
      : url ? fetchBytes(url).then(function (bytes) { return extract(bytes, url); })
      : Promise.resolve(pasted ? [pasted] : []);
    source.then(function (found) {
      if (!found.length) {
        var r = new Report();
        if (found.picture) notAward(r, {key: "about_picture", values: {}}); else r.add("structure", "fail", fmt("not_badge"));
        return r;
      }
      return checkText(found[0], email, Boolean(url), url || null);
    }).then(show, function (error) {
      var r = new Report();
      if (url && (error.status === 404 || error.status === 410)) {
        // a mistyped or cut address: say so, not "NOT valid", which would read as a forged badge
        r.kind = fmt("kind_not_found");
        r.verdict = "verdict_not_found";
        r.add("address", "fail", fmt("not_found", {url: url, status: error.status}));
      } else r.add("structure", "fail", fmt("read_failed", {error: error.message}));
      show(r);
    });
  });

  // An award page's "Check this badge": /verify/?url=<the award's address>, filled in and checked at
  // once. Only an address on this site's own origin (that of its canonical address): a link from
  // elsewhere cannot make this site show at once a result for a badge of its choosing.
  (function () {
    var given = new URLSearchParams(window.location.search).get("url");
    var canonical = document.querySelector('link[rel="canonical"]');
    if (!given || !canonical) return;
    try {
      var url = new URL(given), site = new URL(canonical.href);
      if (url.origin !== site.origin || !/^https?:$/.test(url.protocol)) return;
      form.elements.url.value = url.href;
      showWhenDone = true;
    } catch (e) {
      return;  // not an address
    }
    form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
  })();

  window.vitrineVerify = { extract: extract };  // for the tests
})();

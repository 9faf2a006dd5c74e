/* Vitrine /verify/: the signature of an Open Badges 3.0 credential, as `vitrine verify` checks it
   (generator/ob3/proof.py): a Data Integrity proof, cryptosuite eddsa-rdfc-2022. The signed bytes
   are SHA-256(canonical proof options) + SHA-256(canonical credential without its proof), both
   RDFC-1.0 canonical N-Quads; the proof options are the proof without proofValue, with the
   credential's @context. The key is the DID document's Multikey (z6Mk..., Ed25519), the signature
   is checked with Web Crypto.

   JSON-LD to canonical RDF is jsonld.js (static/vendor/, Digital Bazaar's, with rdf-canonize):
   JSON-LD 1.1 and RDFC-1.0 are too large and subtle to write again here. It is loaded only when a
   3.0 credential is checked, as a classic script of this site (its "esm" file is a UMD bundle: it
   sets window.jsonld), and it runs without eval (the site's CSP allows none). Its document loader
   answers the contexts Vitrine ships (verify/contexts.json, published by the build) and nothing
   else: a credential with another context is "not checked here", never fetched from a third party.

   What cannot be checked here (no Ed25519 in this browser, an unknown context, a key that cannot be
   read) is said, and skipped: never a pass, nor a fail. Used by verify.js (checkOb3). */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.fetch || !window.crypto || !window.crypto.subtle) return;
  var JSONLD = new URL(script.getAttribute("data-jsonld"), document.baseURI).href;
  var CONTEXTS = new URL(script.getAttribute("data-contexts"), document.baseURI).href;
  var PROOF_TYPE = "DataIntegrityProof", CRYPTOSUITE = "eddsa-rdfc-2022";

  function list(value) { return Array.isArray(value) ? value : (value === undefined || value === null ? [] : [value]); }

  // -- the two things fetched on first use, once ----------------------------------------------------

  var jsonldLoaded = null, contextsLoaded = null;

  function loadJsonld() {
    if (!jsonldLoaded) {
      jsonldLoaded = new Promise(function (resolve, reject) {
        if (window.jsonld && window.jsonld.canonize) { resolve(window.jsonld); return; }
        var tag = document.createElement("script");
        tag.src = JSONLD;
        tag.onload = function () { window.jsonld && window.jsonld.canonize ? resolve(window.jsonld) : reject(new Error(JSONLD)); };
        tag.onerror = function () { reject(new Error(JSONLD)); };
        document.head.appendChild(tag);
      });
      jsonldLoaded.catch(function () { jsonldLoaded = null; });  // tried again at the next check
    }
    return jsonldLoaded;
  }

  function loadContexts(fetchJSON) {
    if (!contextsLoaded) {
      contextsLoaded = fetchJSON(CONTEXTS);
      contextsLoaded.catch(function () { contextsLoaded = null; });
    }
    return contextsLoaded;
  }

  // -- keys and signatures -------------------------------------------------------------------------

  var B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  function base58(text) {  // the bytes, or null if not base58btc
    var bytes = [], zeros = 0;  // little-endian
    while (zeros < text.length && text.charAt(zeros) === "1") zeros++;  // each a leading zero byte
    for (var i = zeros; i < text.length; i++) {
      var carry = B58.indexOf(text.charAt(i));
      if (carry < 0) return null;
      for (var j = 0; j < bytes.length; j++) {
        carry += bytes[j] * 58;
        bytes[j] = carry & 0xff;
        carry >>= 8;
      }
      while (carry) { bytes.push(carry & 0xff); carry >>= 8; }
    }
    var out = new Uint8Array(zeros + bytes.length);
    out.set(bytes.reverse(), zeros);
    return out;
  }

  // The 32 bytes of an Ed25519 Multikey: "z" + base58btc(0xed 0x01 + key)
  function multikey(text) {
    if (typeof text !== "string" || text.charAt(0) !== "z") return null;
    var bytes = base58(text.slice(1));
    return bytes && bytes.length === 34 && bytes[0] === 0xed && bytes[1] === 0x01 ? bytes.subarray(2) : null;
  }

  /* The raw public key of the verification method `method` (did:key, or did:web: from its DID
     document, as vitrine verify's resolve_method finds it); whether the key is the issuer's and
     may sign is the "Issuer's key" line's business (verify.js checkKey). */
  function publicKey(method, tools) {
    var did = method.split("#")[0];
    if (did.indexOf("did:key:") === 0) {
      var raw = multikey(did.slice("did:key:".length));
      return raw ? Promise.resolve(raw) : Promise.reject(new Error("not an Ed25519 key"));
    }
    if (did.indexOf("did:web:") !== 0) return Promise.reject(new Error("did:web / did:key"));
    var url = tools.didWebUrl(did);
    return tools.fetchJSON(url).then(function (doc) {
      var base = doc && typeof doc.id === "string" ? doc.id : did;
      var methods = list(doc && doc.verificationMethod).concat(list(doc && doc.assertionMethod)).filter(function (m) {
        return m && typeof m === "object" && (m.id && m.id.charAt(0) === "#" ? base + m.id : m.id) === method;
      });
      var raw = methods.length ? multikey(methods[0].publicKeyMultibase) : null;
      if (!raw) throw new Error(methods.length ? "not an Ed25519 Multikey (z6Mk…)" : "not in " + url);
      return raw;
    });
  }

  function sha256(text) {
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (b) { return new Uint8Array(b); });
  }

  function Unknown(url) { this.url = url; }

  // -- the check ---------------------------------------------------------------------------------------

  function result(status, message, values) { return {status: status, message: message, values: values || {}}; }

  /* {status: pass | fail | skip, message: the key of the line's text, values}; never rejects.
     `tools`: verify.js's fetchJSON and didWebUrl. */
  function checkSignature(credential, tools) {
    var proofs = list(credential.proof).filter(function (p) { return p && typeof p === "object"; });
    if (!proofs.length) return Promise.resolve(result("fail", "signature_ob3_none"));
    var proof = proofs.filter(function (p) { return p.type === PROOF_TYPE && p.cryptosuite === CRYPTOSUITE; })[0];
    if (!proof) {
      return Promise.resolve(result("fail", "signature_ob3_unsupported",
        {proof: proofs.map(function (p) { return String(p.type) + (p.cryptosuite ? " " + p.cryptosuite : ""); }).join(", ")}));
    }
    var method = proof.verificationMethod;
    var signature = typeof proof.proofValue === "string" && proof.proofValue.charAt(0) === "z" ? base58(proof.proofValue.slice(1)) : null;
    var contexts = list(credential["@context"]), proofContexts = list(proof["@context"]);
    // a proof that names contexts must name the credential's, in the same order (Data Integrity)
    var contextsAgree = proofContexts.every(function (c, i) { return JSON.stringify(c) === JSON.stringify(contexts[i]); });
    if (!signature || signature.length !== 64 || typeof method !== "string" || !contextsAgree ||
        (proof.proofPurpose !== undefined && proof.proofPurpose !== "assertionMethod")) {
      return Promise.resolve(result("fail", "signature_ob3_unsupported", {proof: PROOF_TYPE + " " + CRYPTOSUITE + " (proofValue, verificationMethod, proofPurpose, @context)"}));
    }
    var key;
    return publicKey(method, tools).then(function (raw) {
      return window.crypto.subtle.importKey("raw", raw, {name: "Ed25519"}, false, ["verify"]).then(function (k) { key = k; }, function () {
        throw result("skip", "signature_ob3_no_ed25519");
      });
    }, function (error) {
      throw result("skip", "signature_ob3_key_unread", {method: method, error: error.message});
    }).then(function () {
      return Promise.all([loadJsonld(), loadContexts(tools.fetchJSON)]).catch(function (error) {
        throw result("skip", "signature_ob3_unloaded", {error: error.message});
      });
    }).then(function (loaded) {
      var jsonld = loaded[0], shipped = loaded[1];
      var documentLoader = function (url) {
        var base = String(url).split("#")[0];
        if (!Object.prototype.hasOwnProperty.call(shipped, base)) return Promise.reject(new Unknown(base));
        return Promise.resolve({contextUrl: null, documentUrl: base, document: shipped[base]});
      };
      var canonize = function (doc) {
        return jsonld.canonize(doc, {algorithm: "RDFC-1.0", format: "application/n-quads", safe: true,
                                     documentLoader: documentLoader});
      };
      var options = {}, unsecured = {};
      Object.keys(proof).forEach(function (k) { if (k !== "proofValue" && k !== "@context") options[k] = proof[k]; });
      options["@context"] = credential["@context"];
      Object.keys(credential).forEach(function (k) { if (k !== "proof") unsecured[k] = credential[k]; });
      return Promise.all([canonize(options).then(sha256), canonize(unsecured).then(sha256)]).catch(function (error) {
        throw canonError(error);
      });
    }).then(function (digests) {
      var signed = new Uint8Array(64);
      signed.set(digests[0], 0);
      signed.set(digests[1], 32);
      return window.crypto.subtle.verify({name: "Ed25519"}, key, signature, signed).then(function (ok) {
        return ok ? result("pass", "signature_ob3_ok", {method: method}) : result("fail", "signature_ob3_bad", {method: method});
      }, function () { return result("skip", "signature_ob3_no_ed25519"); });
    }).catch(function (outcome) {
      return outcome && outcome.status ? outcome : result("skip", "signature_ob3_unloaded", {error: String(outcome && outcome.message || outcome)});
    });
  }

  /* jsonld.js wraps what the document loader threw: an unknown context is found in the cause
     chain. Its safe mode refuses what JSON-LD would drop without a word (a property no context
     defines, a relative id): such a signature covers less than the JSON shows, a failure, as for
     vitrine verify; other JSON-LD errors fail too (it is not JSON-LD a signature can be over). */
  function canonError(error) {
    for (var e = error, depth = 0; e && depth < 8; e = e.details && e.details.cause || e.cause, depth++) {
      if (e instanceof Unknown) return result("skip", "signature_ob3_context", {url: e.url});
    }
    var event = error && error.details && error.details.event;
    if (error && error.name === "jsonld.ValidationError" && event) {
      var what = event.details && (event.details.property || event.details.type || event.details.id || event.details.subject) || "";
      return result("fail", "signature_ob3_undefined", {what: String(typeof what === "object" ? JSON.stringify(what) : what), error: event.message || ""});
    }
    return result("fail", "signature_ob3_invalid_jsonld", {error: String(error && error.message || error)});
  }

  // -- a newer version published at the credential's id -------------------------------------------

  function canonical(value) {  // JSON with sorted keys: equal values, equal texts
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) { return JSON.stringify(k) + ":" + canonical(value[k]); }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  /* What the published version changed (keys of the page's strings): the badge's name, description
     or criteria (an issuer edited the badge, and the build signed its credentials again), the
     dates, anything else; the proof aside, a new version being signed again. */
  function changes(mine, theirs) {
    function achievement(c) { var s = list(c.credentialSubject)[0]; return s && typeof s === "object" && s.achievement || {}; }
    var a = achievement(mine), b = achievement(theirs), found = [];
    ["name", "description", "criteria"].forEach(function (k) {
      if (canonical(a[k]) !== canonical(b[k])) found.push("published_diff_" + k);
    });
    if (mine.validFrom !== theirs.validFrom || mine.validUntil !== theirs.validUntil) found.push("published_diff_dates");
    function rest(c) {
      var copy = JSON.parse(JSON.stringify(c)), ach = achievement(copy);
      ["name", "description", "criteria"].forEach(function (k) { delete ach[k]; });
      ["validFrom", "validUntil", "proof"].forEach(function (k) { delete copy[k]; });
      return canonical(copy);
    }
    if (rest(mine) !== rest(theirs)) found.push("published_diff_other");
    return found;
  }

  window.vitrineVerifyOb3 = {checkSignature: checkSignature, changes: changes};
})();

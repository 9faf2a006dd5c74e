/* Vitrine award page (/assertions/<id>/): progressive enhancements, nothing sent anywhere.
   - the e-mail check: SHA-256 of the lower-cased address + the published salt, computed by the
     browser (SubtleCrypto), compared with the published identity hash;
   - copy buttons beside the facts a LinkedIn form asks for;
   - a page built before the award's expiry date shows "expired" once that date has passed;
   - the baked badge: the download button fetches the badge image and the hosted assertion (or
     the signed JWS) and bakes them together here, as Vitrine's Python baking does (PNG: one
     uncompressed iTXt chunk "openbadges" before IEND, nothing re-encoded; SVG: the openbadges
     namespace and one <openbadges:assertion> element). Without JavaScript, the button downloads
     the plain image, and the JSON is linked below;
   - the QR code of the page's address (byte mode, error correction M, versions 1 to 10, mask 4),
     drawn as SVG. */
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

  var facts = document.querySelector("[data-copy-label]");
  if (facts && navigator.clipboard) {
    Array.prototype.forEach.call(facts.querySelectorAll("[data-copy]"), function (dd, n) {
      var text = dd.textContent.trim();  // before the button is added
      var button = document.createElement("button");
      var label = facts.getAttribute("data-copy-label");
      button.type = "button";
      button.className = "award-copy";
      button.textContent = label;
      // four buttons all named "Copier" would not say what each copies: named "Copier Badge",
      // "Copier Émetteur"... by the button's own text (so "Copié" is heard too) and its fact's term
      var term = dd.previousElementSibling;
      if (term && term.tagName === "DT") {
        term.id = term.id || "award-fact-" + n;
        button.id = "award-copy-" + n;
        button.setAttribute("aria-labelledby", button.id + " " + term.id);
      }
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(dd.getAttribute("data-copy") || text).then(function () {
          button.textContent = facts.getAttribute("data-copied");
          window.setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
      dd.appendChild(document.createTextNode(" "));
      dd.appendChild(button);
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
        // the section is named by #status-title: the heading shown must carry it, or assistive
        // technologies still name the region "Badge valide" from the hidden one
        var shown = expired.querySelector("h2"), gone = document.getElementById("status-title");
        if (shown && gone) {
          gone.removeAttribute("id");
          shown.id = "status-title";
        }
        status.className = status.className.replace("award-status--valid", "award-status--expired");
        var article = document.querySelector(".award");
        article.className = article.className.replace("award--valid", "award--expired");
      }
    }
  }

  /* ---- baking ------------------------------------------------------------------------------ */

  var CRC_TABLE = (function () {
    var table = new Int32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
    return table;
  })();

  function crc32(bytes) {
    var c = -1;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  }

  function u32(bytes, at) {
    return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  }

  function concat(parts) {
    var size = 0, at = 0;
    parts.forEach(function (p) { size += p.length; });
    var out = new Uint8Array(size);
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  function latin1(text) {
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
    return out;
  }

  /* The PNG with `text` in one uncompressed iTXt chunk before IEND (baking.bake_png). */
  function bakePng(png, text, keyword) {
    var signature = [137, 80, 78, 71, 13, 10, 26, 10];
    for (var s = 0; s < 8; s++) if (png[s] !== signature[s]) throw new Error("not a PNG");
    var parts = [png.subarray(0, 8)], pos = 8, ended = false;
    while (pos + 8 <= png.length) {
      var length = u32(png, pos), end = pos + 12 + length;
      if (end > png.length) throw new Error("truncated PNG");
      var type = String.fromCharCode(png[pos + 4], png[pos + 5], png[pos + 6], png[pos + 7]);
      if (type === "iTXt" || type === "tEXt" || type === "zTXt") {
        var data = png.subarray(pos + 8, pos + 8 + length), zero = data.indexOf(0);
        var name = String.fromCharCode.apply(null, data.subarray(0, zero < 0 ? data.length : zero));
        if (name === keyword) { pos = end; continue; }
      }
      if (type === "IEND") {
        var body = concat([latin1("iTXt" + keyword), new Uint8Array(5), new TextEncoder().encode(text)]);
        var head = new Uint8Array(4), tail = new Uint8Array(4);
        new DataView(head.buffer).setUint32(0, body.length - 4);
        new DataView(tail.buffer).setUint32(0, crc32(body));
        parts.push(head, body, tail);
      }
      parts.push(png.subarray(pos, end));
      pos = end;
      if (type === "IEND") { ended = true; break; }
    }
    if (!ended) throw new Error("PNG without IEND");
    return concat(parts);
  }

  /* [start, end] of the first <openbadges:NAME> element, or null (baking._baked): its end is
     searched past whole CDATA sections, since a baked JSON may hold "/>" or "</openbadges:NAME>". */
  function bakedSpan(svg, name) {
    var m = new RegExp("<openbadges:" + name + "\\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>").exec(svg);
    if (!m) return null;
    var pos = m.index + m[0].length, closing = "</openbadges:" + name;
    if (m[2]) return [m.index, pos];
    for (;;) {
      var end = svg.indexOf(closing, pos);
      if (end < 0) return null;  // never closed: not a baked element
      var cdata = svg.indexOf("<![CDATA[", pos);
      if (cdata < 0 || cdata >= end) {
        var gt = svg.indexOf(">", end);
        return [m.index, gt < 0 ? svg.length : gt + 1];
      }
      var stop = svg.indexOf("]]>", cdata + 9);
      if (stop < 0) return null;
      pos = stop + 3;
    }
  }

  /* The SVG with the openbadges namespace and one <openbadges:assertion> (baking.bake_svg). */
  function bakeSvg(svg, text, verify) {
    ["assertion", "credential"].forEach(function (name) {  // baking._without_baked
      for (var span; (span = bakedSpan(svg, name));) {
        var end = span[1];
        while (end < svg.length && " \t\r\n".indexOf(svg.charAt(end)) >= 0) end++;
        svg = svg.slice(0, span[0]) + svg.slice(end);
      }
    });
    var blanked = svg.replace(/<!--[\s\S]*?-->/g, function (m) { return new Array(m.length + 1).join(" "); });
    var match = /<svg\b(?:[^>"']|"[^"]*"|'[^']*')*>/.exec(blanked);
    if (!match) throw new Error("no <svg> root element");
    var tag = svg.slice(match.index, match.index + match[0].length);
    if (tag.indexOf("xmlns:openbadges=") < 0) {
      var close = tag.length - (/\/>$/.test(tag) ? 2 : 1);
      tag = tag.slice(0, close) + ' xmlns:openbadges="http://openbadges.org"' + tag.slice(close);
    }
    if (/\/>$/.test(tag)) throw new Error("empty <svg> root element");
    var attr = verify.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    var payload = text.split("]]>").join("]]]]><![CDATA[>");
    return svg.slice(0, match.index) + tag + '\n<openbadges:assertion verify="' + attr + '"><![CDATA[' + payload +
      "]]></openbadges:assertion>" + svg.slice(match.index + match[0].length);
  }

  function fetchOk(url) {
    return fetch(url, { credentials: "omit" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response;
    });
  }

  /* What to bake: the compact JSON of the hosted assertion (and its id), or the JWS. */
  function bakedText(src) {
    return fetchOk(src).then(function (r) { return r.text(); }).then(function (body) {
      if (/\.jws$/.test(src)) {
        var token = body.trim();
        return { text: token, verify: token };
      }
      var assertion = JSON.parse(body);
      return { text: JSON.stringify(assertion), verify: assertion.id };
    });
  }

  function bake(link) {
    var kind = /\.svg$/i.test(link.getAttribute("download")) ? "svg" : "png";
    return Promise.all([fetchOk(link.getAttribute("href")), bakedText(link.getAttribute("data-bake"))])
      .then(function (got) {
        var baked = got[1];
        if (kind === "svg") {
          return got[0].text().then(function (svg) {
            return new Blob([bakeSvg(svg, baked.text, baked.verify)], { type: "image/svg+xml" });
          });
        }
        return got[0].arrayBuffer().then(function (buffer) {
          return new Blob([bakePng(new Uint8Array(buffer), baked.text, "openbadges")], { type: "image/png" });
        });
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll("a[data-bake]"), function (link) {
    if (!window.fetch || !window.TextEncoder || !window.Blob || !window.URL) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-baked-help]"), function (help) { help.hidden = false; });
    var busy = false;
    link.addEventListener("click", function (event) {
      if (link.hasAttribute("data-baked")) return;  // the baked file is already behind the link
      event.preventDefault();
      if (busy) return;
      busy = true;
      bake(link).then(function (blob) {
        link.href = URL.createObjectURL(blob);
        link.setAttribute("data-baked", "");
      }).catch(function () {
        link.removeAttribute("data-bake");  // something failed: the plain image, as without JavaScript
        link.setAttribute("data-baked", "");
      }).then(function () {
        busy = false;
        link.click();
      });
    });
  });

  /* ---- QR code -------------------------------------------------------------------------------- */

  // Level M, versions 1-10: [error correction codewords per block, blocks of group 1, data
  // codewords per block of group 1, blocks of group 2, data codewords per block of group 2].
  var EC_M = [null, [10, 1, 16, 0, 0], [16, 1, 28, 0, 0], [26, 1, 44, 0, 0], [18, 2, 32, 0, 0], [24, 2, 43, 0, 0],
    [16, 4, 27, 0, 0], [18, 4, 31, 0, 0], [22, 2, 38, 2, 39], [22, 3, 36, 2, 37], [26, 4, 43, 1, 44]];
  var ALIGN = [null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]];
  var EXP = new Array(512), LOG = new Array(256);
  (function () {
    var x = 1;
    for (var i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= 0x11d;
    }
    for (var j = 255; j < 512; j++) EXP[j] = EXP[j - 255];
  })();

  function rsRemainder(data, degree) {
    var gen = [1];  // (x - a^0)(x - a^1)...(x - a^(degree-1)), highest power first
    for (var i = 0; i < degree; i++) {
      var next = new Array(gen.length + 1).fill(0);
      for (var j = 0; j < gen.length; j++) {
        next[j] ^= gen[j];
        next[j + 1] ^= gen[j] === 0 ? 0 : EXP[LOG[gen[j]] + i];
      }
      gen = next;
    }
    var rest = data.concat(new Array(degree).fill(0));
    for (var k = 0; k < data.length; k++) {
      var factor = rest[k];
      if (factor === 0) continue;
      for (var m = 0; m < gen.length; m++) rest[k + m] ^= gen[m] === 0 ? 0 : EXP[LOG[gen[m]] + LOG[factor]];
    }
    return rest.slice(data.length);
  }

  /* The module matrix of a QR code for `text` (true: dark), or null when it does not fit. */
  function qrMatrix(text) {
    var bytes = Array.prototype.slice.call(new TextEncoder().encode(text));
    var version = 0, ec;
    for (var v = 1; v <= 10; v++) {
      ec = EC_M[v];
      var capacity = (ec[1] * ec[2] + ec[3] * ec[4]) * 8;
      if (4 + (v < 10 ? 8 : 16) + bytes.length * 8 <= capacity) { version = v; break; }
    }
    if (!version) return null;
    var dataCount = ec[1] * ec[2] + ec[3] * ec[4];
    var bits = [];
    function put(value, length) { for (var i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1); }
    put(4, 4);
    put(bytes.length, version < 10 ? 8 : 16);
    bytes.forEach(function (b) { put(b, 8); });
    put(0, Math.min(4, dataCount * 8 - bits.length));
    while (bits.length % 8) bits.push(0);
    var codewords = [];
    for (var i = 0; i < bits.length; i += 8) codewords.push(parseInt(bits.slice(i, i + 8).join(""), 2));
    for (var pad = 0; codewords.length < dataCount; pad++) codewords.push(pad % 2 ? 0x11 : 0xec);
    var blocks = [], at = 0;
    for (var b = 0; b < ec[1] + ec[3]; b++) {
      var size = b < ec[1] ? ec[2] : ec[4];
      var block = codewords.slice(at, at + size);
      at += size;
      blocks.push({ data: block, ec: rsRemainder(block, ec[0]) });
    }
    var stream = [];
    for (var c = 0; c < Math.max(ec[2], ec[4]); c++) blocks.forEach(function (bl) { if (c < bl.data.length) stream.push(bl.data[c]); });
    for (var e = 0; e < ec[0]; e++) blocks.forEach(function (bl) { stream.push(bl.ec[e]); });

    var n = version * 4 + 17;
    var dark = [], fixed = [];
    for (var r = 0; r < n; r++) { dark.push(new Array(n).fill(false)); fixed.push(new Array(n).fill(false)); }
    function set(row, col, value) { dark[row][col] = value; fixed[row][col] = true; }
    function finder(row, col) {
      for (var dr = -1; dr <= 7; dr++) {
        for (var dc = -1; dc <= 7; dc++) {
          var y = row + dr, x = col + dc;
          if (y < 0 || y >= n || x < 0 || x >= n) continue;
          var ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
          set(y, x, ring !== 2 && ring !== 4);
        }
      }
    }
    finder(0, 0);
    finder(0, n - 7);
    finder(n - 7, 0);
    for (var t = 8; t < n - 8; t++) { set(6, t, t % 2 === 0); set(t, 6, t % 2 === 0); }
    var centres = ALIGN[version], last = centres.length - 1;
    centres.forEach(function (y, i) {
      centres.forEach(function (x, j) {
        if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;  // the finders
        for (var dy = -2; dy <= 2; dy++) for (var dx = -2; dx <= 2; dx++) set(y + dy, x + dx, Math.max(Math.abs(dy), Math.abs(dx)) !== 1);
      });
    });
    var mask = 4, rem = mask;  // level M is 00: the format's data is the mask alone
    for (var f = 0; f < 10; f++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    var format = ((mask << 10) | rem) ^ 0x5412;
    function fbit(i) { return ((format >>> i) & 1) === 1; }
    for (var f1 = 0; f1 <= 5; f1++) set(f1, 8, fbit(f1));
    set(7, 8, fbit(6));
    set(8, 8, fbit(7));
    set(8, 7, fbit(8));
    for (var f2 = 9; f2 < 15; f2++) set(8, 14 - f2, fbit(f2));
    for (var f3 = 0; f3 < 8; f3++) set(8, n - 1 - f3, fbit(f3));
    for (var f4 = 8; f4 < 15; f4++) set(n - 15 + f4, 8, fbit(f4));
    set(n - 8, 8, true);  // the dark module
    if (version >= 7) {
      var vrem = version;
      for (var g = 0; g < 12; g++) vrem = (vrem << 1) ^ ((vrem >>> 11) * 0x1f25);
      var info = (version << 12) | vrem;
      for (var k = 0; k < 18; k++) {
        var vb = ((info >>> k) & 1) === 1;
        var a = Math.floor(k / 3), bb = n - 11 + (k % 3);
        set(a, bb, vb);
        set(bb, a, vb);
      }
    }
    var index = 0, total = stream.length * 8;
    for (var right = n - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (var step = 0; step < n; step++) {
        for (var j2 = 0; j2 < 2; j2++) {
          var col = right - j2;
          var upward = ((right + 1) & 2) === 0;
          var row = upward ? n - 1 - step : step;
          if (fixed[row][col]) continue;
          var on = false;
          if (index < total) on = ((stream[index >>> 3] >>> (7 - (index & 7))) & 1) === 1;
          index++;
          if ((Math.floor(row / 2) + Math.floor(col / 3)) % 2 === 0) on = !on;
          dark[row][col] = on;
        }
      }
    }
    return dark;
  }

  function qrSvg(matrix, label) {
    var n = matrix.length, quiet = 4, size = n + 2 * quiet, path = "";
    for (var y = 0; y < n; y++) {
      for (var x = 0; x < n; x++) {
        if (!matrix[y][x]) continue;
        var run = 1;
        while (x + run < n && matrix[y][x + run]) run++;
        path += "M" + (x + quiet) + " " + (y + quiet) + "h" + run + "v1h-" + run + "z";
        x += run - 1;
      }
    }
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    svg.setAttribute("class", "award-qr__code");
    var bg = document.createElementNS(ns, "rect");
    bg.setAttribute("width", size);
    bg.setAttribute("height", size);
    bg.setAttribute("fill", "#fff");
    var fg = document.createElementNS(ns, "path");
    fg.setAttribute("d", path);
    fg.setAttribute("fill", "#000");
    svg.appendChild(bg);
    svg.appendChild(fg);
    return svg;
  }

  var qr = document.querySelector("[data-qr]");
  if (qr && window.TextEncoder) {
    var matrix = qrMatrix(qr.getAttribute("data-qr"));
    if (matrix) {
      qr.insertBefore(qrSvg(matrix, qr.getAttribute("data-qr-label")), qr.firstChild);
      qr.hidden = false;
    }
  }

  window.vitrineAward = { bakePng: bakePng, bakeSvg: bakeSvg, qrMatrix: qrMatrix };  // for the tests
})();

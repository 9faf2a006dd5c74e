/* Vitrine /verify/: reading what was given, as verify.py's extract does: the badge baked in a PNG
   (iTXt, tEXt or zTXt chunk "openbadgecredential" or "openbadges") or an SVG (<openbadges:credential>
   or <openbadges:assertion>, CDATA or verify attribute), as baking.py writes it and as the standards
   say; an award's web page, by the JSON it names in <link rel="alternate">; else the text itself.
   Used by verify.js (and verify-ob3.js for gzip status lists, through inflate). */
(function () {
  "use strict";

  if (!window.TextDecoder || !window.DOMParser) return;

  var utf8 = new TextDecoder("utf-8");
  var latin1 = new TextDecoder("iso-8859-1");

  function inflate(bytes, format) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }

  function pngTexts(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var found = {}, jobs = [], pos = 8;
    while (pos + 8 <= bytes.length) {
      var length = view.getUint32(pos), type = latin1.decode(bytes.subarray(pos + 4, pos + 8));
      var data = bytes.subarray(pos + 8, pos + 8 + length);
      if (type === "iTXt" || type === "tEXt" || type === "zTXt") {
        var zero = data.indexOf(0), keyword = latin1.decode(data.subarray(0, zero));
        if (keyword === "openbadgecredential" || keyword === "openbadges") {
          (function (keyword, type, rest) {
            if (type === "tEXt") { found[keyword] = latin1.decode(rest); return; }
            if (type === "zTXt") {
              jobs.push(inflate(rest.subarray(1), "deflate").then(function (b) { found[keyword] = latin1.decode(b); }));
              return;
            }
            var compressed = rest[0], i = 2;
            i = rest.indexOf(0, i) + 1;  // language tag
            i = rest.indexOf(0, i) + 1;  // translated keyword
            var text = rest.subarray(i);
            if (compressed) {
              jobs.push(inflate(text, "deflate").then(function (b) { found[keyword] = utf8.decode(b); }));
            } else {
              found[keyword] = utf8.decode(text);
            }
          })(keyword, type, data.subarray(zero + 1));
        }
      }
      if (type === "IEND") break;
      pos += 12 + length;
    }
    return Promise.all(jobs).then(function () {
      return [found.openbadgecredential, found.openbadges].filter(Boolean);
    });
  }

  var ENTITY = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g;
  var NAMED = {lt: "<", gt: ">", amp: "&", quot: '"', apos: "'"};

  function xmlUnescape(text) {  // baking._xml_unescape: one pass, so "&amp;lt;" stays "&lt;"
    return text.replace(ENTITY, function (all, dec, hx, name) {
      if (name) return NAMED[name];
      var code = dec ? parseInt(dec, 10) : parseInt(hx, 16);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : all;
    });
  }

  /* The attributes and inner text (null when self-closing) of the first <openbadges:NAME>, as
     baking._baked finds it: its end is searched past whole CDATA sections, since the baked JSON
     may hold "</openbadges:NAME>". */
  function bakedElement(text, name) {
    var m = new RegExp("<openbadges:" + name + "\\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>").exec(text);
    if (!m) return null;
    var start = m.index + m[0].length, pos = start, closing = "</openbadges:" + name;
    if (m[2]) return {attributes: m[1], inner: null};
    for (;;) {
      var end = text.indexOf(closing, pos);
      if (end < 0) return null;  // never closed: not a baked element
      var cdata = text.indexOf("<![CDATA[", pos);
      if (cdata < 0 || cdata >= end) return {attributes: m[1], inner: text.slice(start, end)};
      var stop = text.indexOf("]]>", cdata + 9);
      if (stop < 0) return null;
      pos = stop + 3;
    }
  }

  /* baking.unbake_svg: the CDATA sections joined (baking writes "]]>" as "]]]]><![CDATA[>"),
     else the text with its entities read (other bakers), else the verify attribute. */
  function svgTexts(text) {
    var out = [];
    ["credential", "assertion"].forEach(function (name) {
      var found = bakedElement(text, name);
      if (!found) return;
      var inner = found.inner || "", parts = [], cdata = /<!\[CDATA\[([\s\S]*?)\]\]>/g, m;
      while ((m = cdata.exec(inner))) parts.push(m[1]);
      var content = parts.length ? parts.join("").trim() : xmlUnescape(inner.trim());
      if (!content) {
        var verify = /verify\s*=\s*"([^"]*)"/.exec(found.attributes);
        content = verify ? xmlUnescape(verify[1]) : "";
      }
      if (content) out.push(content);
    });
    return out;
  }

  // An image with no badge baked in is only a picture (a badge's image saved from its page): said so.
  function picture(texts) { if (!texts.length) texts.picture = true; return texts; }

  /* `url`: where the bytes came from, when a web page there may be followed (verify_about.py's
     award_json_link): an award's page names its badge in <link rel="alternate" type="application/ld+json">. */
  function extract(bytes, url) {
    if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
      return pngTexts(bytes).then(picture);
    }
    var text = utf8.decode(bytes).replace(/^\ufeff/, "").trim();
    if (text.charAt(0) === "<" && text.slice(0, 4096).indexOf("<svg") >= 0) return Promise.resolve(picture(svgTexts(text)));
    if (url && /^<(!doctype html|html[\s>])/i.test(text)) {
      var link = new DOMParser().parseFromString(text, "text/html")
        .querySelector('link[rel~="alternate"][type="application/ld+json"][href]');
      var found = link ? new URL(link.getAttribute("href"), url).href : "";
      // not an award's page: checkText says what it is
      return Promise.resolve(/^https?:\/\/\S+$/.test(found) ? [found] : window.vitrineAbout ? [{page: text, url: url}] : []);
    }
    return Promise.resolve(text ? [text] : []);
  }

  window.vitrineRead = {inflate: inflate, extract: extract};
})();

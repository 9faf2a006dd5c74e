// Canonical N-Quads (RDFC-1.0) of JSON-LD documents by jsonld.js (Digital Bazaar's rdf-canonize),
// offline: contexts come from the files named in the input. Usage: node canonize.mjs INPUT.json
// where INPUT is {"documents": {"<url>": "<file>"}, "docs": [ ... ]}; prints a JSON list of strings.
import {readFileSync} from 'node:fs';
import jsonld from 'jsonld';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
async function documentLoader(url) {
  const file = input.documents[url.split('#')[0]];
  if(!file) {
    throw new Error(`offline: ${url} is not served by the test`);
  }
  return {contextUrl: null, documentUrl: url, document: JSON.parse(readFileSync(file, 'utf8'))};
}
const out = [];
for(const doc of input.docs) {
  out.push(await jsonld.canonize(doc, {algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader,
    safe: true}));
}
process.stdout.write(JSON.stringify(out) + '\n');

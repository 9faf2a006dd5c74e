// Verify Open Badges 3.0 credentials with two independent verifiers from the npm registry, offline:
//
// - Digital Bazaar's @digitalbazaar/vc with DataIntegrityProof + eddsa-rdfc-2022, and
//   @digitalbazaar/vc-bitstring-status-list for the status (the status list credential is
//   verified too);
// - the Digital Credentials Consortium's @digitalcredentials/verifier-core (signature, expiry,
//   revocation; it resolves did:web and fetches status lists itself).
//
// Nothing goes to the network. Digital Bazaar's library takes a document loader: ours serves the
// contexts shipped with Vitrine, the built DID document and status list, and nothing else. DCC's
// verifier builds its own loader (its bundled contexts, then HTTPS); its HTTPS requests go through
// the global fetch, which is replaced here by one that answers from the same files and refuses
// every other URL.
//
// Usage: node verify-credentials.mjs MANIFEST.json, where the manifest is
//   {"documents": {"<url>": "<file>", ...},   URLs to serve (contexts, did.json, status list, schemas)
//    "credentials": ["<file>", ...],          credentials to verify
//    "now": "2025-01-01T12:00:00Z"}           optional: the moment expiry is judged at (DCC)
// Prints one JSON object: {"results": [{file, db: {...}, dcc: {...}}, ...], "refused": [urls]}.
import {readFileSync} from 'node:fs';

const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const documents = new Map();
for(const [url, file] of Object.entries(manifest.documents)) {
  documents.set(url, readFileSync(file, 'utf8'));
}
const refused = new Set();

function lookup(url) {
  const bare = String(url).split('#')[0];
  return documents.has(bare) ? documents.get(bare) : undefined;
}

// --- the network, replaced ----------------------------------------------------------------------
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : (input.url ?? String(input));
  const text = lookup(url);
  if(text === undefined) {
    refused.add(url);
    throw new TypeError(`offline: ${url} is not served by the test`);
  }
  return new Response(text, {status: 200, headers: {'content-type': 'application/json'}});
};

const vc = await import('@digitalbazaar/vc');
const {DataIntegrityProof} = await import('@digitalbazaar/data-integrity');
const {cryptosuite: eddsaRdfc2022} = await import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const {checkStatus} = await import('@digitalbazaar/vc-bitstring-status-list');
const {verifyCredential: dccVerify} = await import('@digitalcredentials/verifier-core');

// --- Digital Bazaar: an explicit document loader --------------------------------------------------
async function documentLoader(url) {
  if(url.startsWith('did:')) {
    const [did, fragment] = url.split('#');
    const text = lookup(didWebUrl(did));
    if(text === undefined) {
      refused.add(url);
      throw new Error(`offline: cannot resolve ${url}`);
    }
    const doc = JSON.parse(text);
    if(doc.id !== did) {
      throw new Error(`DID document id ${doc.id} is not ${did}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: doc};
    }
    const method = (doc.verificationMethod || []).find(m => m.id === url);
    if(!method) {
      throw new Error(`${url} is not in the DID document`);
    }
    return {contextUrl: null, documentUrl: url, document: {'@context': doc['@context'], ...method}};
  }
  const text = lookup(url);
  if(text === undefined) {
    refused.add(url);
    throw new Error(`offline: ${url} is not served by the test`);
  }
  return {contextUrl: null, documentUrl: url, document: JSON.parse(text)};
}

function didWebUrl(did) {
  const parts = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  if(parts.length === 1) {
    return `https://${parts[0]}/.well-known/did.json`;
  }
  return `https://${parts[0]}/${parts.slice(1).join('/')}/did.json`;
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

function message(error) {
  if(!error) {
    return null;
  }
  const errors = error.errors || (Array.isArray(error) ? error : [error]);
  return errors.map(e => e && (e.message || String(e))).join('; ');
}

async function digitalBazaar(credential) {
  const out = {verified: false, revoked: null, error: null};
  try {
    const result = await vc.verifyCredential({
      credential, suite, documentLoader,
      checkStatus: options => checkStatus({...options, suite, documentLoader}),
      now: manifest.now ? new Date(manifest.now) : undefined,
    });
    out.verified = result.verified === true;
    const statuses = result.statusResult?.results || [];
    out.revoked = statuses.some(r => r.status === true);
    if(!result.verified) {
      out.error = message(result.error) ||
        (result.results || []).map(r => message(r.error)).filter(Boolean).join('; ') || 'not verified';
    }
  } catch(e) {
    out.error = e.message;
  }
  return out;
}

async function dcc(credential) {
  const out = {signature: null, expiration: null, revocation: null, revocationError: null, errors: null,
    schema: null};
  try {
    const result = await dccVerify({credential, knownDIDRegistries: []});
    for(const step of result.log || []) {
      if(step.id === 'valid_signature') out.signature = step.valid;
      if(step.id === 'expiration') out.expiration = step.valid;
      if(step.id === 'revocation_status') {
        out.revocation = step.valid ?? null;
        if(step.error) out.revocationError = `${step.error.name}: ${step.error.message}`;
      }
    }
    if(result.errors) {
      out.errors = result.errors.map(e => `${e.name}: ${e.message}`).join('; ');
    }
    const schema = (result.additionalInformation || []).find(a => a.id === 'schema_check');
    if(schema && Array.isArray(schema.results)) {
      out.schema = schema.results.every(r => r.result && r.result.valid === true);
    }
  } catch(e) {
    out.errors = e.message;
  }
  return out;
}

const results = [];
for(const file of manifest.credentials) {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  results.push({file, db: await digitalBazaar(credential), dcc: await dcc(credential)});
}
process.stdout.write(JSON.stringify({results, refused: [...refused].sort()}) + '\n');

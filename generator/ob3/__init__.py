"""Open Badges 3.0: credentials signed with Data Integrity (eddsa-rdfc-2022), did:web, status lists.

- documents.py: the contexts and JSON Schemas shipped in generator/data/ob3, and a document loader
  that never goes to the network;
- rdfc.py: RDF Dataset Canonicalization (RDFC-1.0), with RDFC-1.0's N-Quads escaping;
- canon.py: JSON-LD to canonical N-Quads through pyld, with undefined terms refused, and the
  per-shape template cache that makes signing fast;
- proof.py: eddsa-rdfc-2022 proofs; multibase.py: base58btc, Multikey;
- did.py: the site's did:web and its DID document; status.py: the Bitstring Status List;
- credential.py: OpenBadgeCredential, Profile and Achievement from the model;
- issue.py: signing for a build, with the proof cache.

render/ob3.py publishes them; verify.py checks any credential, ours or not.
"""

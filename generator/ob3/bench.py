"""How fast Open Badges 3.0 credentials are signed: `python -m generator.ob3.bench [--count N] [--jobs J]`.

Loads a site (the example catalogue of this repository by default), replaces its awards by N
synthetic ones spread over its published badges (a third with evidence, some with a narrative,
some revoked), and runs the build's own Open Badges 3.0 jobs (render/ob3.py: credential JSON,
baked image, DID document, status list) on J worker processes into a temporary folder, with an
empty proof cache (cold) and then again with the cache filled (warm). Prints credentials per second.
A throwaway Ed25519 key is used (through VITRINE_OB3_KEY); nothing of the site is written.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


def synthetic_awards(site, count: int, seed: int = 1) -> list:
    from ..awards import add_duration, identity_hash
    from ..model import Award, Evidence, Revocation

    rng = random.Random(seed)
    badges = [b for b in site.default.published_badges if not b.retired]
    out = []
    for n in range(count):
        badge = badges[n % len(badges)]
        award_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        salt = hashlib.sha256(award_id.encode()).hexdigest()[:32]
        issued = date(2021, 1, 1) + timedelta(days=rng.randrange(1400))
        evidence = []
        if n % 3 == 0:
            evidence.append(Evidence(url=f"https://portfolio.example.org/{award_id}"))
        if n % 7 == 0:
            evidence.append(Evidence(name="Atelier", narrative=f"Atelier numéro {n}."))
        out.append(Award(
            id=award_id, badge=badge.slug, identity=identity_hash(f"student{n}@example.org", salt), salt=salt,
            issued_on=issued, expires=add_duration(issued, badge.validity) if badge.validity else None,
            evidence=evidence, narrative=f"A participé à l'atelier {n}." if n % 5 == 0 else "",
            revoked=Revocation(issued + timedelta(days=10), "Erreur") if n % 97 == 0 else None))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.ob3.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--site", default=str(Path(__file__).resolve().parents[2]), help="a site folder")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-bake", action="store_true", help="credentials only, no baked images")
    parser.add_argument("--no-warm", action="store_true", help="skip the second (cached) run")
    parser.add_argument("--no-write", action="store_true", help="make every file but write none (signing alone)")
    args = parser.parse_args(argv)

    key = ed25519.Ed25519PrivateKey.generate()
    os.environ["VITRINE_OB3_KEY"] = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()).decode("ascii")
    from ..build import run_jobs
    from ..loader import load_site
    from ..render import ob3
    from ..render.base import Renderer, expand
    from ..writer import OutputTree

    cache = Path(args.site) / ".vitrine-cache"  # the file system builds write to (/tmp may be slower)
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ob3-bench-", dir=cache))
    try:
        site = load_site(Path(args.site), 1)
        site.config.signing.ob3 = True
        site.config.signing.keys = str(work / "no-keys")  # the environment key only
        site.awards = synthetic_awards(site, args.count)
        for run in ("cold", "warm"):
            if run == "warm" and args.no_warm:
                break
            out = work / f"out-{run}"
            out.mkdir()
            started = time.perf_counter()
            cpu_before = os.times()
            renderer = Renderer(site, work / "cache")
            jobs = list(expand(ob3.jobs(renderer)))
            if args.no_bake:
                jobs = [j for j in jobs if not j.path.endswith((".png", ".svg"))]
            listed = time.perf_counter()
            tree = OutputTree(out)
            if args.no_write:
                tree.write = lambda path, data: None  # type: ignore[method-assign]
            for job in jobs:
                tree.claim(job.path, job.owner)
            run_jobs(jobs, tree, args.jobs)
            renderer.__dict__["_ob3"].issuer.cache.merge()
            seconds = time.perf_counter() - started
            now = os.times()
            cpu = sum(now[:4]) - sum(cpu_before[:4])  # user and system time, this process and its workers
            print(f"{run}: {args.count} credentials ({len(jobs)} files) in {seconds:.1f} s on {args.jobs} "
                  f"process(es): {args.count / seconds:,.0f} credentials/s; CPU {cpu:.1f} s, "
                  f"{cpu / args.count * 1000:.2f} ms per credential "
                  f"(listing and first credential of each badge: {listed - started:.1f} s)")
            shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

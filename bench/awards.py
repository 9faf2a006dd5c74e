#!/usr/bin/env python3
"""Benchmark: a catalogue with many awards (issue 3: 100,000 awards over 1,000 badges).

    .venv/bin/python bench/awards.py [--awards 100000] [--badges 1000] [--seed 1] [--jobs N]

Makes (once, cached in bench/work/awards-B-A-sS/) the site of bench/corpus.py with B badges, plus A
synthetic award records spread over its active badges (awards/<badge>.yaml, as `vitrine award`
writes them): fictitious recipients at example.org, issue days from 2019 to mid-2025, some named
with consent, some with evidence and a narrative, about 1 % revoked, many with an expiry (some
past). Then measures, each in a fresh process (`python -m generator build`):

| measurement | how |
|---|---|
| cold build | output/, .output.prev/, .vitrine-cache/ set aside and awards/published.txt removed first |
| rebuild, nothing changed | the same command again |
| one award added | one record appended to one awards file (as `vitrine award` does), then a build |
| one award added, twice more | the same, to see that it stays fast |

and reports, against the targets: the seconds of each, the output's size per award (everything
under output/ divided by the number of awards, and the award files alone), and the peak memory
of the build: the sum of the proportional set size (PSS) of the build process and its workers,
sampled every 20 ms (the largest RSS of any one process is shown too), and the CPU time of the
build and its workers (user + system): on a shared machine, the wall-clock time depends on what
else runs, and the load average before each step is shown for that reason. Before each build,
the files still waiting to be written to disk are flushed (os.sync, not measured, its time shown):
after a cold build, 870 MB of them slowed the next steps' builds by up to 0.9 s. Results go to
bench/work/awards-results.json, each build's output in bench/work/logs/. SOURCE_DATE_EPOCH is fixed
(2025-07-01), as in a reproducible build, so that "today" does not move between runs. The builds
run a copy of generator/ made at the start (bench/work/snapshot-awards/), so that the code
measured does not change under the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
EPOCH = "1751371200"  # 2025-07-01 12:00 UTC
TARGETS = {"cold": 60.0, "unchanged": 3.0, "one_award": 2.0, "bytes_per_award": 10 * 1024, "peak_mb": 1024}

FIRST = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Sarah", "Zoé", "Lucas", "Hugo",
         "Louis", "Nathan", "Théo", "Arthur", "Jules", "Enzo", "Mathis", "Noah", "Yanis", "Adam", "Sacha", "Nour",
         "Aya", "Lina", "Mael", "Rayan", "Eliott", "Lou"]
LAST = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
        "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
        "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André"]
NARRATIVES = [
    "A animé **trois** ateliers devant des groupes de première année.",
    "A conduit un projet collectif du début à la fin, et présenté le bilan au jury.",
    "A accueilli et orienté les nouveaux étudiants pendant la semaine de rentrée.",
    "A rédigé un guide pratique, relu par l'équipe et diffusé sur le campus.",
]


def make_site(badges: int, awards: int, seed: int) -> Path:
    site = WORK / f"awards-{badges}-{awards}-s{seed}"
    stamp = site.with_name(site.name + ".stamp")
    if stamp.is_file() and (site / "site.yaml").is_file():
        return site
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run([sys.executable, str(HERE / "corpus.py"), "--badges", str(badges), "--out", str(site),
                    "--seed", str(seed), "--vitrine-only"], check=True)
    rng = random.Random(seed * 7919 + awards)
    active = []
    for path in sorted((site / "content" / "badges").glob("*.md")):
        if path.name.count(".") > 1:
            continue  # a translation
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        if front.get("status", "active") == "active":
            active.append(path.stem)
    (site / "awards").mkdir(exist_ok=True)
    per_badge: dict[str, list[str]] = {slug: [] for slug in active}
    start, days = date(2019, 1, 1), (date(2025, 6, 30) - date(2019, 1, 1)).days
    for n in range(awards):
        slug = active[n % len(active)] if n < len(active) else rng.choice(active)
        issued = start + timedelta(days=rng.randrange(days))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        lines = [f"- id: {uuid.UUID(int=rng.getrandbits(128), version=4)}",
                 f"  badge: {slug}",
                 f"  recipient: {first.lower()}.{last.lower()}.{n}@example.org".replace("é", "e").replace("è", "e"),
                 ]
        if rng.random() < 0.3:
            lines += [f"  name: {first} {last}", "  consent: true"]
        elif rng.random() < 0.2:
            lines += [f"  name: {first} {last}"]
        lines.append(f"  issued_on: {issued.isoformat()}")
        if rng.random() < 0.3:
            lines.append(f"  expires: {(issued + timedelta(days=rng.choice([365, 730, 1095]))).isoformat()}")
        if rng.random() < 0.25:
            lines += ["  evidence:", f"    - https://portfolio.example.org/{first.lower()}-{n}"]
        if rng.random() < 0.2:
            lines.append(f"  narrative: {rng.choice(NARRATIVES)}")
        lines.append(f"  salt: {rng.getrandbits(128):032x}")
        if rng.random() < 0.01:
            when = min(issued + timedelta(days=rng.randrange(1, 200)), date(2025, 6, 30))
            lines += ["  revoked:", f"    date: {when.isoformat()}", "    reason: Attribué par erreur"]
        per_badge[slug].append("\n".join(lines) + "\n")
    for slug, records in per_badge.items():
        if records:
            (site / "awards" / f"{slug}.yaml").write_text("".join(records), encoding="utf-8")
    stamp.write_text("ok\n")
    return site


class MemorySampler:
    """Peak PSS (sum over a process tree) and peak RSS (largest single process), from /proc."""

    def __init__(self, pid: int):
        self.pid, self.peak_pss, self.peak_rss = pid, 0, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def tree(self) -> list[int]:
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
        return out

    def run(self) -> None:
        while not self.stop.is_set():
            pss = 0
            for pid in self.tree():
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as f:
                        for line in f:
                            if line.startswith("Pss:"):
                                pss += int(line.split()[1])
                            elif line.startswith("Rss:"):
                                self.peak_rss = max(self.peak_rss, int(line.split()[1]))
                except OSError:
                    pass
            self.peak_pss = max(self.peak_pss, pss)
            self.stop.wait(0.02)

    def __enter__(self) -> MemorySampler:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


SNAPSHOT = WORK / "snapshot-awards"


def snapshot() -> Path:
    """A frozen copy of generator/, so that edits to the tree during a run change nothing (and do
    not count as a change of Vitrine's code, which makes a build render everything again)."""
    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    shutil.copytree(REPO / "generator", SNAPSHOT / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    return SNAPSHOT


def run_build(site: Path, jobs: int | None, label: str) -> dict:
    cmd = [sys.executable, "-m", "generator", "build", "--site", str(site)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0"}
    # as installed Python code runs: compiled once (pip compiles at install), not at every start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import resource

    # The previous step's files (870 MB after a cold build) still being written back to disk
    # would be charged to this one: flush them first, outside the measurement.
    t = time.perf_counter()
    os.sync()
    synced = time.perf_counter() - t
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=SNAPSHOT if SNAPSHOT.is_dir() else REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with MemorySampler(proc.pid) as memory:
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    cpu = user + system
    (WORK / "logs").mkdir(exist_ok=True)
    (WORK / "logs" / f"awards-{label.replace(' ', '-').replace(',', '').replace('(', '').replace(')', '')}.log").write_text(
        out + err, encoding="utf-8")
    if proc.returncode != 0:
        sys.exit(f"{label}: build failed ({proc.returncode}):\n{err[-3000:]}")
    result = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "user_seconds": round(user, 2),
              "system_seconds": round(system, 2), "loadavg_before": round(load_before, 2),
              "sync_before_s": round(synced, 2),
              "peak_pss_mb": round(memory.peak_pss / 1024, 1),
              "peak_rss_mb": round(memory.peak_rss / 1024, 1), "said": out.strip().splitlines()[-1] if out.strip() else ""}
    print(f"  {label:<28} {seconds:7.2f} s (CPU {cpu:6.1f} s: {system:.1f} s system, load before {load_before:.1f}, sync before {synced:.1f} s)   peak PSS {result['peak_pss_mb']:7.1f} MB "
          f"(largest RSS {result['peak_rss_mb']:.1f} MB)   {result['said']}", flush=True)
    return result


def size_of(folder: Path) -> tuple[int, int, int]:
    """(bytes of every file, bytes of the award files, number of files); hard links counted once."""
    total = awards = files = 0
    seen = set()
    for dirpath, _, names in os.walk(folder):
        in_awards = "/assertions" in dirpath[len(str(folder)):] or dirpath.endswith("/assertions")
        for name in names:
            st = os.lstat(os.path.join(dirpath, name))
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
            files += 1
            if in_awards:
                awards += st.st_size
    return total, awards, files


def add_award(site: Path, n: int) -> None:
    """Append one record to the first awards file, as `vitrine award` does."""
    file = sorted((site / "awards").glob("*.yaml"))[0]
    rng = random.Random(n)
    record = (f"- id: {uuid.UUID(int=rng.getrandbits(128), version=4)}\n  badge: {file.stem}\n"
              f"  recipient: added.{n}@example.org\n  issued_on: 2025-06-30\n  salt: {rng.getrandbits(128):032x}\n")
    with open(file, "a", encoding="utf-8") as f:
        f.write(record)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--awards", type=int, default=100_000)
    ap.add_argument("--badges", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    ap.add_argument("--keep", action="store_true", help="keep the added awards (default: restore the files)")
    args = ap.parse_args(argv)
    WORK.mkdir(exist_ok=True)
    t = time.perf_counter()
    site = make_site(args.badges, args.awards, args.seed)
    snapshot()
    print(f"site: {site} ({args.badges} badges, {args.awards} awards; ready in {time.perf_counter() - t:.1f} s); "
          f"{os.cpu_count()} cores", flush=True)
    # A cold start: no previous output either. Set aside, removed at the end: files deleted in the
    # last minutes slow down making new ones on ext4 (see clean() in build.py).
    trash = WORK / "trash"
    trash.mkdir(exist_ok=True)
    for name in ["output", ".vitrine-cache", ".output.prev", *(p.name for p in site.glob(".output.trash-*"))]:
        if (site / name).exists():
            os.rename(site / name, trash / f"{time.time_ns()}-{name}")
    (site / "awards" / "published.txt").unlink(missing_ok=True)
    first_file = sorted((site / "awards").glob("*.yaml"))[0]
    published = site / "awards" / "published.txt"
    saved = first_file.read_bytes()
    results: dict = {"awards": args.awards, "badges": args.badges, "cores": os.cpu_count()}
    try:
        results["cold"] = run_build(site, args.jobs, "cold build")
        total, award_bytes, files = size_of(site / "output")
        results["size"] = {"bytes": total, "award_bytes": award_bytes, "files": files,
                           "bytes_per_award": round(total / args.awards), "award_bytes_per_award": round(award_bytes / args.awards)}
        print(f"  {'output':<28} {total / 1e6:7.1f} MB in {files} files: {total / args.awards / 1024:.2f} KB per award "
              f"({award_bytes / args.awards / 1024:.2f} KB of award files)", flush=True)
        results["unchanged"] = run_build(site, args.jobs, "rebuild, nothing changed")
        saved_published = published.read_bytes()
        for i in range(3):
            add_award(site, 10_000_000 + i)
            results[f"one_award_{i + 1}"] = run_build(site, args.jobs, f"one award added ({i + 1})")
    finally:
        if not args.keep:  # the added awards were published: forget them with their records
            first_file.write_bytes(saved)
            if "saved_published" in locals():
                published.write_bytes(saved_published)
        t = time.perf_counter()
        shutil.rmtree(trash, ignore_errors=True)
        print(f"(previous outputs removed in {time.perf_counter() - t:.1f} s, not measured)", flush=True)
    checks = [("cold build", results["cold"]["seconds"], TARGETS["cold"], "s"),
              ("rebuild, nothing changed", results["unchanged"]["seconds"], TARGETS["unchanged"], "s"),
              ("one award added", max(results[f"one_award_{i}"]["seconds"] for i in (1, 2, 3)), TARGETS["one_award"], "s"),
              ("output per award", results["size"]["bytes_per_award"] / 1024, TARGETS["bytes_per_award"] / 1024, "KB"),
              ("peak memory (PSS)", max(r["peak_pss_mb"] for k, r in results.items() if isinstance(r, dict) and "peak_pss_mb" in r),
               TARGETS["peak_mb"], "MB")]
    print("\ntargets:")
    for label, value, target, unit in checks:
        print(f"  {label:<28} {value:8.2f} {unit:<3} target < {target:g} {unit}   {'OK' if value < target else 'MISSED'}")
    results["targets_met"] = all(value < target for _, value, target, _ in checks)
    (WORK / "awards-results.json").write_text(json.dumps(results, indent=1) + "\n")
    return 0 if results["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())

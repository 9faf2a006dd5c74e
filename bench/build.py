#!/usr/bin/env python3
"""Benchmark Vitrine's build against Pelican and Hugo on the same synthetic catalogue.

    python bench/build.py --badges 1000 10000 [--seed 1] [--skip-pelican] [--skip-hugo] [--check]

For each size: generate the corpora (bench/corpus.py, cached in bench/work/), then measure a
Vitrine cold build, a rebuild with nothing changed, a rebuild after editing one badge, a Pelican
cold build and a Hugo cold build. Each measurement runs once, in a fresh helper process that
starts the command, times it with time.perf_counter and reads the high-water mark of resident
memory of the command's processes with resource.getrusage(RUSAGE_CHILDREN). The helper also
samples the proportional set size (PSS) of the whole process tree every 100 ms, since Vitrine
forks worker processes (forked workers share most of their pages with the parent, so PSS, not
RSS, is the fair sum).

Prints a table, the ratios and the targets for 10,000 badges, and writes bench/work/results.json.
Run it from the repository root with its venv: .venv/bin/python bench/build.py --badges 1000 10000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
PELICAN_VENV = WORK / "pelican-venv"
RESULTS = WORK / "results.json"

TARGET_RATIO_PELICAN = 5.0  # Vitrine cold pages/s at least 5x Pelican's
TARGET_NOCHANGE_S = 1.0  # rebuild with nothing changed
TARGET_MEMORY_MB = 300.0  # peak resident memory
TARGET_SIZE = 10_000
VITRINE_CWD = REPO  # where `python -m generator` runs; --snapshot: a frozen copy in bench/work/snapshot


# ---------------------------------------------------------------------------------------------
# The measuring helper: `python bench/build.py _measure '<json>'` (run in a fresh process, so that
# RUSAGE_CHILDREN only covers the measured command)
# ---------------------------------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _busy_s() -> float | None:
    """CPU seconds spent by the whole machine (all cores, not idle), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _measure(spec: dict) -> dict:
    import resource
    import threading

    log = open(spec["log"], "w") if spec.get("log") else subprocess.DEVNULL
    peak_tree = 0
    done = threading.Event()
    busy_before = _busy_s()
    start = time.perf_counter()
    proc = subprocess.Popen(spec["cmd"], cwd=spec.get("cwd"), stdout=log, stderr=subprocess.STDOUT,
                            env=_without_bytecode_ban({**os.environ, **spec.get("env", {})}))

    def sample() -> None:
        nonlocal peak_tree
        while not done.wait(0.1):
            peak_tree = max(peak_tree, sum(_pss_kb(p) for p in _tree(proc.pid)))

    sampler = None
    if os.path.exists(f"/proc/{proc.pid}/smaps_rollup"):
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    if sampler:
        sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_after = _busy_s()
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    other = None
    if busy_before is not None and busy_after is not None:
        # CPU time the rest of the machine used meanwhile (the helper's own sampling included)
        other = max(0.0, busy_after - busy_before - cpu)
    return {
        "rc": rc,
        "wall_s": wall,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # kB on Linux: the largest single process
        "tree_pss_mb": peak_tree / 1024 if sampler else None,  # sampled sum over the process tree
        "cpu_s": cpu,
        "other_cpu_s": other,
        "helper_cpu_s": own.ru_utime + own.ru_stime,
    }


def measure(cmd: list[str], cwd: Path | None = None, log: Path | None = None) -> dict:
    spec = {"cmd": [str(c) for c in cmd], "cwd": str(cwd) if cwd else None, "log": str(log) if log else None}
    waited = wait_for_quiet()
    load = loadavg()
    res = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_measure", json.dumps(spec)],
                         capture_output=True, text=True, check=True)
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["loadavg_before"] = load  # 1-minute load average: other work on the machine skews timings
    out["waited_for_quiet_s"] = waited
    return out


QUIET_WAIT_S = 10.0  # at most, before each measurement (--quiet-wait)


def wait_for_quiet(threshold: float = 0.15) -> float:
    """Wait (up to QUIET_WAIT_S) for a second in which the machine is mostly idle: less than
    `threshold` of its CPUs busy. Other jobs on a shared 2-core machine skew wall times."""
    started = time.perf_counter()
    cpus = os.cpu_count() or 1
    if QUIET_WAIT_S <= 0:
        return 0.0
    while True:
        before = _busy_s()
        if before is None:
            return 0.0
        time.sleep(1.0)
        busy = (_busy_s() or before) - before
        waited = time.perf_counter() - started
        if busy < threshold * cpus or waited >= QUIET_WAIT_S:
            return waited


def loadavg() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# Corpora
# ---------------------------------------------------------------------------------------------

def corpus_paths(n: int, seed: int) -> tuple[Path, Path, Path]:
    base = WORK / f"site-{n}" if seed == 1 else WORK / f"site-{n}-s{seed}"
    return base, base.with_name(base.name + ".pelican"), base.with_name(base.name + ".hugo")


def ensure_corpus(n: int, seed: int) -> tuple[Path, Path, Path]:
    site, pel, hugo = corpus_paths(n, seed)
    stamp = site.with_name(site.name + ".stamp")
    key = hashlib.sha256((BENCH / "corpus.py").read_bytes() + f"{n}:{seed}".encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == key and site.is_dir() and pel.is_dir() and hugo.is_dir():
        print(f"  corpus: cached in {site.relative_to(REPO)}")
        return site, pel, hugo
    t = time.perf_counter()
    stamp.unlink(missing_ok=True)
    subprocess.run([sys.executable, str(BENCH / "corpus.py"), "--badges", str(n), "--seed", str(seed),
                    "--out", str(site), "--pelican", str(pel), "--hugo", str(hugo)], check=True,
                   stdout=subprocess.DEVNULL)
    stamp.write_text(key)
    print(f"  corpus: generated in {time.perf_counter() - t:.1f} s into {site.relative_to(REPO)}")
    return site, pel, hugo


def count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


TRASH = WORK / "trash"


def clean(*paths: Path) -> None:
    """Set previous outputs aside (renamed into bench/work/trash/, removed when the run ends)
    rather than deleting them just before a measurement: on ext4, files created while thousands
    were deleted in the last few minutes are slow to make (the allocator passes over recently
    freed inodes, reading each one), which charged the removal of the last output to the next
    cold build (at 10,000 badges about 5 s of system time, for Pelican too)."""
    for p in paths:
        if not (p.exists() or p.is_symlink()):
            continue
        TRASH.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(p, TRASH / f"{time.time_ns()}-{p.name}")
        except OSError:  # another file system
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()


def empty_trash() -> None:
    if TRASH.exists():
        started = time.perf_counter()
        shutil.rmtree(TRASH)
        print(f"(outputs set aside removed in {time.perf_counter() - started:.1f} s, not measured)")


# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------

def ensure_pelican() -> Path | None:
    pelican = PELICAN_VENV / "bin" / "pelican"
    if pelican.exists():
        return pelican
    print(f"  installing Pelican into {PELICAN_VENV.relative_to(REPO)} ...")
    python = shutil.which("python3") or sys.executable
    try:
        subprocess.run([python, "-m", "venv", str(PELICAN_VENV)], check=True)
        subprocess.run([str(PELICAN_VENV / "bin" / "pip"), "install", "-q", "pelican", "markdown"], check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"  Pelican could not be installed ({exc}): skipped")
        return None
    return pelican if pelican.exists() else None


def ensure_hugo() -> str | None:
    hugo = shutil.which("hugo")
    if hugo:
        return hugo
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("  hugo is not on PATH and cannot be installed here (needs root and apt-get): Hugo skipped")
        return None
    print("  installing Debian's hugo package (apt-get install -y hugo) ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    ok = subprocess.run(["apt-get", "install", "-y", "hugo"], env=env, stdout=subprocess.DEVNULL).returncode == 0
    if not ok:
        subprocess.run(["apt-get", "update"], env=env, stdout=subprocess.DEVNULL)
        ok = subprocess.run(["apt-get", "install", "-y", "hugo"], env=env, stdout=subprocess.DEVNULL).returncode == 0
    hugo = shutil.which("hugo")
    if not ok or not hugo:
        print("  hugo could not be installed: Hugo skipped")
        return None
    return hugo


def snapshot(source: str) -> Path:
    """Freeze generator/ into bench/work/snapshot/, so that colleagues' edits during the run
    neither change the code measured nor invalidate the no-change rebuild (Vitrine's build
    fingerprint covers its own source and theme). `source`: "tree" (the working tree as it is),
    "HEAD" (or any commit: the committed code) or "keep" (the snapshot already there)."""
    dest = WORK / "snapshot"
    if source == "keep" and (dest / "generator").is_dir():
        return dest
    clean(dest)
    if source in ("tree", "keep"):
        shutil.copytree(REPO / "generator", dest / "generator", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    else:
        dest.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", source, "generator"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def git_state() -> dict:
    def git(*args: str) -> str:
        res = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return res.stdout.strip() if res.returncode == 0 else "?"
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "generator_dirty": bool(git("status", "--porcelain", "--", "generator"))}


def version_of(cmd: list[str], cwd: Path | None = None) -> str:
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=cwd)
        return (res.stdout or res.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------

def _record(name: str, m: dict, pages: int | None, log: Path) -> dict:
    m = dict(m)
    m["log"] = str(log.relative_to(REPO))
    if pages is not None:
        m["pages"] = pages
        m["pages_per_s"] = pages / m["wall_s"] if m["wall_s"] > 0 else None
        m["pages_per_cpu_s"] = pages / m["cpu_s"] if m["cpu_s"] > 0 else None  # less sensitive to load
    status = "ok" if m["rc"] == 0 else f"FAILED (exit {m['rc']}, see {m['log']})"
    extra = f", {pages} pages, {m['pages_per_s']:.0f} pages/s" if pages is not None and m["rc"] == 0 else ""
    print(f"  {name:<32} {m['wall_s']:7.2f} s{extra}, peak RSS {m['peak_rss_mb']:.0f} MB"
          f", CPU {m['cpu_s']:.1f} s (rest of the machine: {fmt(m.get('other_cpu_s'), '.1f')} s) — {status}")
    return m


def bench_vitrine(site: Path, n: int, check: bool) -> dict:
    out = site / "output"
    cmd = [sys.executable, "-m", "generator", "build", "--site", str(site), "--out", str(out)]
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    res: dict = {}
    # warm-up: import the generator and its dependencies once (compiled bytecode, file cache)
    subprocess.run([sys.executable, "-c", "import generator.build, generator.cli"], cwd=VITRINE_CWD, check=True)
    if check:
        log = logs / f"vitrine-check-{n}.log"
        res["check"] = _record("vitrine check", measure(
            [sys.executable, "-m", "generator", "check", "--site", str(site)], cwd=VITRINE_CWD, log=log), None, log)
    clean(out, site / ".vitrine-cache", *site.glob("output.*"))
    log = logs / f"vitrine-cold-{n}.log"
    res["cold"] = _record("vitrine cold build", measure(cmd, cwd=VITRINE_CWD, log=log), count_html(out), log)
    if res["cold"]["rc"] != 0:
        return res
    log = logs / f"vitrine-nochange-{n}.log"
    res["nochange"] = _record("vitrine rebuild, no change", measure(cmd, cwd=VITRINE_CWD, log=log), None, log)

    # edit the body of one badge (the middle one), rebuild, then put the file back
    badges = sorted((site / "content" / "badges").glob("*.md"))
    victim = badges[len(badges) // 2]
    original = victim.read_bytes()
    try:
        victim.write_bytes(original.rstrip(b"\n") + "\n\nCritère ajouté pour le banc d'essai : "
                           "une *modification* du texte des critères.\n".encode())
        log = logs / f"vitrine-touch-{n}.log"
        res["touch"] = _record("vitrine rebuild, 1 badge edited", measure(cmd, cwd=VITRINE_CWD, log=log),
                               count_html(out), log)
        res["touch"]["file"] = str(victim.relative_to(REPO))
    finally:
        victim.write_bytes(original)
    return res


def bench_pelican(pelican: Path, folder: Path, n: int) -> dict:
    out = folder / "output"
    clean(out, folder / "cache", folder / "__pycache__")
    subprocess.run([str(pelican), "--version"], capture_output=True)  # warm-up of its imports
    log = WORK / "logs" / f"pelican-cold-{n}.log"
    m = measure([pelican, "content", "-o", "output", "-s", "pelicanconf.py"], cwd=folder, log=log)
    return {"cold": _record("pelican cold build", m, count_html(out), log)}


def bench_hugo(hugo: str, folder: Path, n: int) -> dict:
    out = folder / "public"
    clean(out, folder / "resources", folder / ".hugo_build.lock")
    subprocess.run([hugo, "version"], capture_output=True)
    log = WORK / "logs" / f"hugo-cold-{n}.log"
    m = measure([hugo, "--source", str(folder), "--destination", str(out), "--quiet"], cwd=folder, log=log)
    return {"cold": _record("hugo cold build", m, count_html(out), log)}


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def fmt(value, spec: str, missing: str = "—") -> str:
    return missing if value is None else format(value, spec)


def table(results: dict) -> None:
    print()
    head = (f"{'badges':>7}  {'tool / measurement':<26} {'wall s':>7} {'pages':>6} {'pages/s':>8} {'CPU s':>6} "
            f"{'pages/CPU s':>11} "
            f"{'peak RSS MB':>11} {'tree PSS MB':>11} {'others CPU s':>12}")
    print(head)
    print("-" * len(head))
    for size, r in results["sizes"].items():
        rows = []
        for tool in ("vitrine", "pelican", "hugo"):
            for key, m in r.get(tool, {}).items():
                if isinstance(m, dict) and "wall_s" in m:
                    rows.append((f"{tool} {key}" + ("" if m["rc"] == 0 else " (FAILED)"), m))
            if tool in r.get("skipped", {}):
                rows.append((f"{tool}: {r['skipped'][tool]}", None))
        for label, m in rows:
            if m is None:
                print(f"{size:>7}  {label}")
                continue
            print(f"{size:>7}  {label:<26} {m['wall_s']:7.2f} {fmt(m.get('pages'), 'd'):>6} "
                  f"{fmt(m.get('pages_per_s'), '.0f'):>8} {m['cpu_s']:6.1f} {fmt(m.get('pages_per_cpu_s'), '.0f'):>11} "
                  f"{m['peak_rss_mb']:11.0f} "
                  f"{fmt(m.get('tree_pss_mb'), '.0f'):>11} {fmt(m.get('other_cpu_s'), '.1f'):>12}")
        ratios = r.get("ratios", {})
        if ratios:
            print(f"{size:>7}  ratios: " + ", ".join(f"{k} = {v:.2f}×" for k, v in ratios.items() if v is not None))
        print()


def ratios(r: dict) -> dict:
    out = {}
    v = r.get("vitrine", {}).get("cold", {})
    for tool in ("pelican", "hugo"):
        o = r.get(tool, {}).get("cold", {})
        if v.get("rc") == 0 and o.get("rc") == 0 and o.get("pages_per_s"):
            out[f"vitrine/{tool} pages/s"] = v["pages_per_s"] / o["pages_per_s"]
            out[f"vitrine/{tool} pages per CPU s"] = v["pages_per_cpu_s"] / o["pages_per_cpu_s"]
    return out


def targets(r: dict) -> list[dict]:
    v = r.get("vitrine", {})
    cold, nochange = v.get("cold", {}), v.get("nochange", {})
    ratio = r.get("ratios", {}).get("vitrine/pelican pages/s")
    mem = [m["peak_rss_mb"] for m in (cold, nochange) if m.get("rc") == 0]
    tree = [m["tree_pss_mb"] for m in (cold, nochange) if m.get("rc") == 0 and m.get("tree_pss_mb") is not None]

    def verdict(value, ok):
        return "n/a" if value is None else ("PASS" if ok(value) else "FAIL")

    out = [
        {"target": f"cold build ≥ {TARGET_RATIO_PELICAN:g}× Pelican's pages/s", "value": ratio,
         "shown": fmt(ratio, ".2f") + "×", "verdict": verdict(ratio, lambda x: x >= TARGET_RATIO_PELICAN)},
        {"target": f"no-change rebuild < {TARGET_NOCHANGE_S:g} s", "value": nochange.get("wall_s"),
         "shown": fmt(nochange.get("wall_s"), ".2f") + " s",
         "verdict": verdict(nochange.get("wall_s") if nochange.get("rc") == 0 else None, lambda x: x < TARGET_NOCHANGE_S)},
        {"target": f"peak memory < {TARGET_MEMORY_MB:g} MB", "value": max(mem) if mem else None,
         "shown": (fmt(max(mem) if mem else None, ".0f") + " MB RSS"
                   + (f" (process tree PSS {max(tree):.0f} MB)" if tree else "")),
         "verdict": verdict(max(mem) if mem else None, lambda x: x < TARGET_MEMORY_MB)},
    ]
    return out



def _without_bytecode_ban(env: dict) -> dict:
    """Each tool runs as installed code does: Python modules compiled once, not at every start
    (PYTHONDONTWRITEBYTECODE, set in some shells, would add its compile time to every run)."""
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_sizes(args, results: dict, pelican, hugo) -> None:
    for n in args.badges:
        print(f"\n== {n} badges ==")
        site, pel_dir, hugo_dir = ensure_corpus(n, args.seed)
        r: dict = {"corpus": str(site.relative_to(REPO)), "skipped": {}}
        if not args.skip_vitrine:
            r["vitrine"] = bench_vitrine(site, n, args.check)
        if pelican:
            r["pelican"] = bench_pelican(pelican, pel_dir, n)
        else:
            r["skipped"]["pelican"] = "skipped" if args.skip_pelican else "not available"
        if hugo:
            r["hugo"] = bench_hugo(hugo, hugo_dir, n)
        else:
            r["skipped"]["hugo"] = "skipped" if args.skip_hugo else "not installed (apt-get install hugo failed)"
        r["ratios"] = ratios(r)
        r["targets"] = targets(r)
        results["sizes"][str(n)] = r
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark Vitrine against Pelican and Hugo.")
    ap.add_argument("--badges", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (default 1000 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-pelican", action="store_true")
    ap.add_argument("--skip-hugo", action="store_true")
    ap.add_argument("--skip-vitrine", action="store_true")
    ap.add_argument("--check", action="store_true", help="also time `generator check` (not needed for the targets)")
    ap.add_argument("--quiet-wait", type=float, default=QUIET_WAIT_S, metavar="S",
                    help="before each measurement, wait up to S seconds for the machine to be idle (default 10; 0: never)")
    ap.add_argument("--snapshot", nargs="?", const="tree", metavar="tree|HEAD|COMMIT|keep",
                    help="measure a frozen copy of generator/ in bench/work/snapshot rather than the live tree: "
                         "the working tree (default), a commit, or the snapshot already there (keep)")
    args = ap.parse_args(argv)
    globals()["QUIET_WAIT_S"] = args.quiet_wait
    if args.snapshot:
        globals()["VITRINE_CWD"] = snapshot(args.snapshot)

    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "logs").mkdir(exist_ok=True)
    started = time.perf_counter()
    pelican = None if args.skip_pelican else ensure_pelican()
    hugo = None if args.skip_hugo else ensure_hugo()
    results: dict = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "processor": platform.processor() or platform.machine()},
        "git": {**git_state(), "snapshot": args.snapshot or "no (live tree)"},
        "versions": {
            "vitrine": version_of([sys.executable, "-m", "generator", "--version"], VITRINE_CWD),
            "pelican": version_of([str(pelican), "--version"]) if pelican else None,
            "hugo": version_of([hugo, "version"]) if hugo else None,
        },
        "commands": {
            "vitrine": f"{sys.executable} -m generator build --site SITE --out SITE/output",
            "pelican": "pelican content -o output -s pelicanconf.py",
            "hugo": "hugo --source DIR --destination DIR/public --quiet",
        },
        "seed": args.seed,
        "sizes": {},
    }
    try:
        run_sizes(args, results, pelican, hugo)
    finally:
        empty_trash()
    results["total_s"] = time.perf_counter() - started
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print("\n" + "=" * 100)
    print(f"Vitrine {results['versions']['vitrine']} | Pelican {results['versions']['pelican'] or '—'} | "
          f"{results['versions']['hugo'] or 'Hugo —'}")
    print(f"{results['machine']['cpus']} CPUs, Python {results['machine']['python']}, {results['machine']['platform']}")
    print("CPU s: user+system time of the command and its children; peak RSS: largest single process "
          "(getrusage RUSAGE_CHILDREN);\ntree PSS: whole process tree, sampled every 100 ms; others CPU s: "
          "CPU time the rest of the machine used during the measurement (noise)")
    table(results)
    for size, r in results["sizes"].items():
        official = int(size) == TARGET_SIZE
        label = "targets" if official else f"targets (they apply to {TARGET_SIZE:,} badges; indicative at this size)"
        print(f"{size} badges — {label}:")
        for t in r["targets"]:
            print(f"  [{t['verdict']:>4}] {t['target']:<42} {t['shown']}")
    if str(TARGET_SIZE) not in results["sizes"]:
        print(f"(the targets apply to {TARGET_SIZE:,} badges: run with --badges {TARGET_SIZE} to check them)")
    print(f"\nresults: {RESULTS.relative_to(REPO)}   total time {results['total_s']:.0f} s")
    failed = any(m.get("rc") for s in results["sizes"].values() for t in ("vitrine", "pelican", "hugo")
                 for m in s.get(t, {}).values() if isinstance(m, dict) and "rc" in m)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_measure":
        print(json.dumps(_measure(json.loads(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())

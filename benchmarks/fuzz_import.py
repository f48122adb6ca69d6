"""Hostile-input import run: generate seeded hostile files, import each into a fresh store, check nothing breaks.

Run::

    .venv/bin/python benchmarks/fuzz_import.py --seed 1 --files 800 --workdir /tmp/fuzz --json /tmp/fuzz.json

The files come from ``tests/hostile_files.py`` (every reader family, the issue's specific cases first). Each file
is imported with :func:`ewarning.importing.import_files` into a new, empty GeoPackage store (every other file's store
has a mission bounding box set, so the out-of-area path runs too), and judged:

crash
    An exception escaped ``import_files`` (it must return a refused report instead), or the worker process died
    (a segfault in a C library, the kernel's OOM killer).
masked error
    ``ewarning.io.read`` turned an exception into a refusal through its catch-all ("could not be read as
    <format> (...)") and the exception started in the readers' own code or in pandas/numpy/shapely/geopandas/pyproj
    (e.g. a pandas error from two columns that collapse into one name), other than a UnicodeError or OSError;
    reported in the counts and the failure list but, the catch-all being a deliberate refusal, not part of the exit
    status. The runner keeps the chained cause by
    wrapping ``ewarning.importing.read`` in the worker. Catch-all refusals whose cause started in a file parser
    (openpyxl, zipfile, expat, pyogrio, sqlite3...) are fair refusals and only listed in the JSON.
internal error
    ``import_files`` refused the file through its catch-all for unexpected exceptions ("the file could not be
    imported (TypeError in ...)"): a reader or validator bug that the safety net hid; or the store refused to
    write rows the validators had passed ("import not stored, nothing written (UNIQUE constraint failed
    ...)"). The runner keeps the
    exception's traceback (it wraps ``ewarning.importing._failed`` in the worker process; nothing under
    ``ewarning/`` is changed).
hang
    The file took longer than ``--per-file-timeout`` seconds. A timer (``signal.setitimer``) interrupts Python code;
    when the time is spent inside C (SQLite, GDAL, zlib) and the interrupt cannot land, the supervisor kills the
    worker ``--grace`` seconds later, records the hang and starts a new worker at the next file.
memory
    The worker's resident memory passed ``--memory-kill-mb`` (it is killed so a bomb cannot take the machine).
invariant
    For an imported file: for every layer ``read == stored + quarantined``; the rows added to each store layer equal
    the report's ``stored`` for it, the quarantine rows added equal ``n_quarantined``, one import-log row. For a
    refused file: nothing added anywhere. Exactly one report per file, status ``imported`` or ``refused``.
expectation
    A file that must be refused (entity expansion, external entities, VRT indirection) was not, or an untouched
    valid seed was not imported.

Peak memory is the largest ``ru_maxrss`` of the worker processes (``RUSAGE_CHILDREN``) and of this process
(generation). The JSON (``--json``) has counts per reader family and per mutation, every failing file with its
exception and traceback tail and a reproduction command, the slowest files and the most memory-hungry ones, and
the commonest refusal reasons per family. The exit status is 0 when nothing failed, 1 otherwise.

Reproduce one file: ``--only INDEX`` with the same ``--seed`` and ``--files`` generates and imports only that one.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW_ISO = "2025-01-01T00:00:00Z"
#: A mission area (the Central African Republic, roughly) set in every other store: lon0, lat0, lon1, lat1.
CAR_BBOX = [14.4, 2.2, 27.5, 11.1]
COUNTED = ("files", "imported", "refused", "crashes", "internal_errors", "masked_errors", "hangs", "memory_kills",
           "invariant_failures", "expectation_failures")
#: A refusal by ``ewarning.io.read``'s catch-all is a masked bug when the exception started in these packages (the
#: readers' own code, or the data libraries they call with wrong assumptions) and is not a UnicodeError or OSError
#: (refusals by design); from a file parser (openpyxl, zipfile, expat, pyogrio, sqlite3, csv, json...) it is a fair
#: "this file is broken" refusal. Masked errors are reported, not counted as failures in the exit status.
BUG_ORIGINS = ("ewarning", "pandas", "numpy", "shapely", "geopandas", "pyproj")
LAYERS = ("alerts", "sites", "presence", "patrols")
#: The start of the reason when the store refused to write rows the validators passed (StoreError).
STORE_REFUSAL = "import not stored"
INTERNAL = re.compile(r"^the file could not be imported \((\w+)(?: in ([^)]*))?\)")


def load_generator():
    """tests/hostile_files.py as a module (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("hostile_files", ROOT / "tests" / "hostile_files.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_files"] = module
    spec.loader.exec_module(module)
    return module


def rss_mb(usage) -> float:
    return round(usage.ru_maxrss / 1024, 1)  # Linux: KiB


# -- worker: import files, one line of JSON per file on stdout ---------------------------------------------------
class FileTimeout(BaseException):
    """Raised by the per-file timer (a BaseException, so no `except Exception` in a reader can swallow it)."""


def _tail(tb, n: int = 8) -> list[str]:
    frames = traceback.extract_tb(tb)
    return [f"{Path(f.filename).name}:{f.lineno} {f.name}: {(f.line or '').strip()[:120]}" for f in frames[-n:]]


def _origin(tb) -> str:
    """The top-level package (or stdlib module) where an exception started; Cython frames (``lib.pyx``, no
    directory) are skipped for the nearest frame with a real path."""
    for frame in reversed(traceback.extract_tb(tb)):
        path = frame.filename
        if os.sep not in path:
            continue
        if f"{os.sep}ewarning{os.sep}" in path:
            return "ewarning"
        parts = Path(path).parts
        if "site-packages" in parts:
            return parts[parts.index("site-packages") + 1].split(".")[0]
        return Path(path).stem
    return ""


def _where(tb) -> tuple[str, str]:
    """Last frame overall, and last frame inside the ewarning package."""
    frames = traceback.extract_tb(tb)
    last = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    own = [f for f in frames if f"{os.sep}ewarning{os.sep}" in f.filename]
    mine = ""
    if own:
        f = own[-1]
        mine = f"{f.filename.split(os.sep + 'ewarning' + os.sep, 1)[1]}:{f.lineno} ({f.name})"
        mine = "ewarning/" + mine
    return last, mine


def worker(args) -> None:
    import warnings

    warnings.simplefilter("ignore")
    out = os.fdopen(args.fd, "w", buffering=1)  # the protocol channel; stdout is left to the libraries
    import pandas as pd

    import ewarning.importing as importing
    from ewarning.importing import import_files
    from ewarning.store import open_store

    captured: list[BaseException] = []
    original = getattr(importing, "_failed", None)
    if original is not None:
        def _failed(source, exc, *rest, **kw):
            captured.append(exc)
            return original(source, exc, *rest, **kw)
        importing._failed = _failed

    from ewarning.io import ReadError

    masked: list[BaseException] = []
    original_read = importing.read

    def read_spy(*a, **kw):
        try:
            return original_read(*a, **kw)
        except ReadError as exc:
            cause = exc.__cause__
            if cause is not None and not isinstance(cause, ReadError) and "could not be read as" in str(exc):
                masked.append(cause)
            raise
    importing.read = read_spy

    armed = [False]

    def on_alarm(signum, frame):
        if armed[0]:
            armed[0] = False
            raise FileTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    manifest = json.loads(Path(args.manifest).read_text())
    stores = Path(args.workdir) / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    now = pd.Timestamp(NOW_ISO)
    for entry in manifest[args.start:]:
        i = entry["index"]
        out.write(f"B {i}\n")
        out.flush()
        rec = {"index": i, "failures": []}
        store_path = stores / f"w{i:05d}.gpkg"
        store_path.unlink(missing_ok=True)
        store = open_store(store_path)
        if i % 2:
            store.set_setting("mission_bbox", json.dumps(CAR_BBOX))
        before = store.counts()
        captured.clear()
        masked.clear()
        reports, exc_info = None, None
        t0 = time.perf_counter()
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            try:
                armed[0] = True
                signal.setitimer(signal.ITIMER_REAL, args.per_file_timeout)
                reports = import_files(store, [entry["path"]], user="fuzz", secret=b"k", now=now)
                armed[0] = False
            finally:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
        except FileTimeout as exc:
            exc_info = ("hang", exc)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - anything escaping import_files is what we look for
            exc_info = ("crash", exc)
        rec["seconds"] = round(time.perf_counter() - t0, 4)
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rec["maxrss_mb"] = round(rss1 / 1024, 1)
        rec["maxrss_growth_mb"] = round((rss1 - rss0) / 1024, 1)
        try:
            after = store.counts()
        except Exception as exc:  # noqa: BLE001
            after = None
            rec["failures"].append({"kind": "invariant", "message": f"store unreadable after import: {exc!r}"})
        if exc_info:
            kind, exc = exc_info
            last, mine = _where(exc.__traceback__)
            rec["failures"].append({
                "kind": kind, "exc_type": type(exc).__name__ if kind == "crash" else "FileTimeout",
                "message": (str(exc)[:400] if kind == "crash" else f"over {args.per_file_timeout:g} s"),
                "where": last, "where_ewarning": mine, "traceback": _tail(exc.__traceback__)})
            rec["status"] = kind
            if after is not None and any(after[k] != before[k] for k in (*LAYERS, "quarantine", "imports")):
                changed = {k: after[k] - before[k] for k in after if after[k] != before[k]}
                rec["failures"].append({"kind": "invariant",
                                        "message": "store changed by a file that raised: " + json.dumps(changed)})
        else:
            check(rec, entry, reports, before, after, captured)
            for cause in masked:
                origin = _origin(cause.__traceback__)
                last, mine = _where(cause.__traceback__)
                bug = origin in BUG_ORIGINS and not isinstance(cause, (UnicodeError, OSError))
                item = {"kind": "masked_error" if bug else "parser_refusal",
                        "exc_type": type(cause).__name__, "message": str(cause)[:400], "origin": origin,
                        "where": last, "where_ewarning": mine, "traceback": _tail(cause.__traceback__)}
                if item["kind"] == "masked_error":
                    rec["failures"].append(item)
                else:
                    rec["parser_refusal"] = item
        out.write("R " + json.dumps(rec, default=str) + "\n")
        out.flush()
        del store
        store_path.unlink(missing_ok=True)


def check(rec: dict, entry: dict, reports, before: dict, after: dict | None, captured: list) -> None:
    """Judge one file's reports against the store (see the module docstring)."""
    fail = rec["failures"].append
    if not isinstance(reports, list) or len(reports) != 1:
        fail({"kind": "invariant", "message": f"expected one report, got {reports!r}"[:300]})
        rec["status"] = "invalid"
        return
    r = reports[0]
    rec["status"] = r.status
    rec["reason"] = (r.reason or "")[:300]
    rec["by_layer"] = r.by_layer
    rec["n_read"], rec["n_stored"], rec["n_quarantined"] = r.n_read, r.n_stored, r.n_quarantined
    if r.status not in ("imported", "refused"):
        fail({"kind": "invariant", "message": f"unexpected status {r.status!r}"})
    internal = INTERNAL.match(r.reason or "") if r.status == "refused" else None
    if r.status == "refused" and (r.reason or "").startswith(STORE_REFUSAL):
        fail({"kind": "internal_error", "exc_type": "StoreError", "message": r.reason[:300],
              "where": "store.write_import", "where_ewarning": "ewarning/store (rows the validators passed)",
              "traceback": []})
    if internal or captured:
        exc = captured[-1] if captured else None
        if exc is not None:
            last, mine = _where(exc.__traceback__)
            fail({"kind": "internal_error", "exc_type": type(exc).__name__, "message": str(exc)[:400],
                  "where": last, "where_ewarning": mine, "traceback": _tail(exc.__traceback__)})
        else:
            fail({"kind": "internal_error", "exc_type": internal.group(1), "message": r.reason[:300],
                  "where": internal.group(2) or "", "where_ewarning": internal.group(2) or "", "traceback": []})
    if after is not None:
        delta = {k: after[k] - before[k] for k in after}
        if r.status == "imported":
            for layer, c in r.by_layer.items():
                if c["read"] != c["stored"] + c["quarantined"]:
                    fail({"kind": "invariant", "message": f"{layer}: read {c['read']} != stored {c['stored']} + "
                                                          f"quarantined {c['quarantined']}"})
            for layer in LAYERS:
                want = r.by_layer.get(layer, {}).get("stored", 0)
                if delta[layer] != want:
                    fail({"kind": "invariant", "message": f"{layer}: {delta[layer]} rows added to the store, report "
                                                          f"says {want} stored"})
            if delta["quarantine"] != r.n_quarantined:
                fail({"kind": "invariant", "message": f"{delta['quarantine']} quarantine rows added, report says "
                                                      f"{r.n_quarantined}"})
            if delta["imports"] != 1:
                fail({"kind": "invariant", "message": f"{delta['imports']} import-log rows added (expected 1)"})
        else:
            changed = {k: v for k, v in delta.items() if v and k in (*LAYERS, "quarantine", "imports")}
            if changed:
                fail({"kind": "invariant", "message": f"refused, yet the store changed: {changed}"})
            if r.by_layer and r.n_stored:
                fail({"kind": "invariant", "message": f"refused, yet the report counts {r.n_stored} stored"})
    expect = entry.get("expect")
    if expect == "refused" and r.status != "refused":
        fail({"kind": "expectation", "message": f"must be refused, was {r.status}: {r.summary()[:200]}"})
    elif expect == "imported" and r.status != "imported":
        fail({"kind": "expectation", "message": f"untouched valid seed not imported: {r.reason[:200]}"})


# -- supervisor --------------------------------------------------------------------------------------------------------
def supervise(args, manifest_path: Path, manifest: list[dict]) -> tuple[dict[int, dict], list[float]]:
    """Run workers over the manifest, restarting after a kill or a death; returns results by index."""
    import psutil

    results: dict[int, dict] = {}
    worker_peaks: list[float] = []
    position = {e["index"]: k for k, e in enumerate(manifest)}
    start = 0
    log = open(Path(args.workdir) / "worker-stderr.log", "ab")
    while start < len(manifest):
        rfd, wfd = os.pipe()
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--manifest", str(manifest_path),
               "--start", str(start), "--workdir", str(args.workdir), "--per-file-timeout", str(args.per_file_timeout),
               "--fd", str(wfd)]
        env = dict(os.environ, PYTHONHASHSEED="0", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   CPL_LOG="/dev/null")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=str(ROOT), env=env,
                                pass_fds=(wfd,))
        os.close(wfd)
        channel = os.fdopen(rfd, "rb", buffering=0)
        ps = psutil.Process(proc.pid)
        current, began, killed, peak, began_any = None, 0.0, None, 0.0, False
        polled = 0.0
        buffer = ""
        while True:
            ready, _, _ = select.select([channel], [], [], 0.1)
            if ready:
                chunk = os.read(channel.fileno(), 1 << 16).decode("utf-8", "replace")
                if not chunk:
                    break
                buffer += chunk
                while "\n" in buffer:
                    line, buffer = buffer.split("\n", 1)
                    if line.startswith("B "):
                        current, began, began_any = int(line[2:]), time.monotonic(), True
                    elif line.startswith("R "):
                        rec = json.loads(line[2:])
                        results[rec["index"]] = rec
                        current = None
            if current is not None and time.monotonic() - polled >= 0.2:
                polled = time.monotonic()
                try:
                    rss = ps.memory_info().rss / 2 ** 20
                except psutil.Error:
                    rss = 0.0
                peak = max(peak, rss)
                elapsed = time.monotonic() - began
                if rss > args.memory_kill_mb:
                    killed = ("memory", f"resident memory {rss:,.0f} MB passed {args.memory_kill_mb:,} MB after "
                                        f"{elapsed:.1f} s; worker killed")
                elif elapsed > args.per_file_timeout + args.grace:
                    killed = ("hang", f"over {args.per_file_timeout:g} s and the timer could not interrupt it "
                                      f"(stuck in C code); worker killed after {elapsed:.1f} s")
                if killed:
                    proc.kill()
                    break
        proc.wait()
        channel.close()
        worker_peaks.append(peak)
        if current is not None and current not in results:
            if killed:
                kind, message = killed
            else:
                kind = "crash"
                sig = -proc.returncode if proc.returncode and proc.returncode < 0 else None
                message = (f"worker died with signal {signal.Signals(sig).name}" if sig
                           else f"worker exited with status {proc.returncode}")
            results[current] = {"index": current, "status": kind, "seconds": round(time.monotonic() - began, 2),
                                "maxrss_mb": round(peak, 1), "failures": [{
                                    "kind": kind, "exc_type": "WorkerKilled" if killed else "WorkerDied",
                                    "message": message, "where": "", "where_ewarning": "", "traceback": []}]}
            start = position[current] + 1
        elif not began_any and proc.returncode != 0:
            raise SystemExit(f"the worker failed before its first file (status {proc.returncode}); see "
                             f"{Path(args.workdir) / 'worker-stderr.log'}")
        elif proc.returncode != 0 and len(results) < len(manifest):
            done = [position[i] for i in results]
            start = (max(done) + 1) if done else start + 1
            sys.stderr.write(f"worker exited with {proc.returncode} between files; restarting at {start}\n")
        else:
            break
    log.close()
    return results, worker_peaks


def _reason_key(reason: str, name: str) -> str:
    reason = reason.replace(name, "<file>")
    reason = re.sub(r"\d+", "N", reason)
    return reason[:90]


def summarise(args, files: list[dict], results: dict[int, dict], gen_seconds: float, wall: float,
              gen_rss: float, worker_peaks: list[float]) -> dict:
    def blank():
        return dict.fromkeys(COUNTED, 0)

    by_family: dict[str, dict] = collections.defaultdict(blank)
    by_mutation: dict[str, dict] = collections.defaultdict(blank)
    by_pair: dict[str, dict] = collections.defaultdict(blank)
    refusals: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    refusals_m: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failing = []
    parser_groups = collections.Counter()
    for f in files:
        rec = results.get(f["index"], {"status": "missing", "failures": [{"kind": "crash", "exc_type": "NoResult",
                                                                         "message": "no result recorded"}]})
        kinds = {x["kind"] for x in rec["failures"]}
        row = {"files": 1, "imported": rec["status"] == "imported", "refused": rec["status"] == "refused",
               "crashes": "crash" in kinds, "internal_errors": "internal_error" in kinds,
               "masked_errors": "masked_error" in kinds, "hangs": "hang" in kinds,
               "memory_kills": "memory" in kinds, "invariant_failures": "invariant" in kinds,
               "expectation_failures": "expectation" in kinds}
        for table in (by_family[f["family"]], by_mutation[f["mutation"]], by_pair[f"{f['family']}/{f['mutation']}"]):
            for k, v in row.items():
                table[k] += int(v)
        if rec.get("parser_refusal"):
            x = rec["parser_refusal"]
            parser_groups[(x["origin"], x["exc_type"], x["where"])] += 1
        if rec["status"] == "refused" and "internal_error" not in kinds:
            key = _reason_key(rec.get("reason", ""), Path(f["path"]).name)
            refusals[f["family"]][key] += 1
            refusals_m[f["mutation"]][key] += 1
        if rec["failures"]:
            failing.append({**f, "status": rec["status"], "seconds": rec.get("seconds"), "failures": rec["failures"],
                            "reproduce": (f"{sys.executable} benchmarks/fuzz_import.py --seed {args.seed} --files "
                                          f"{args.files}{' --heavy' if args.heavy else ''} --only {f['index']} "
                                          "--workdir /tmp/fuzz-one --json /tmp/fuzz-one.json --keep")})
    totals = blank()
    for row in by_family.values():
        for k in COUNTED:
            totals[k] += row[k]
    timed = [(results[f["index"]].get("seconds") or 0, f) for f in files if f["index"] in results]
    timed.sort(key=lambda x: -x[0])
    hungry = sorted(((results[f["index"]].get("maxrss_growth_mb") or 0, f) for f in files if f["index"] in results),
                    key=lambda x: -x[0])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    groups = collections.Counter()
    for f in failing:
        for x in f["failures"]:
            groups[(x["kind"], x.get("exc_type", ""), x.get("where_ewarning") or x.get("where", ""),
                    x["message"][:70] if x["kind"] in ("invariant", "expectation") else "")] += 1
    return {
        "seed": args.seed, "files": len(files), "heavy": args.heavy, "per_file_timeout": args.per_file_timeout,
        "workdir": str(args.workdir), "generated_bytes": sum(_size(Path(f["path"])) for f in files),
        "totals": totals,
        "by_family": dict(sorted(by_family.items())), "by_mutation": dict(sorted(by_mutation.items())),
        "by_family_mutation": dict(sorted(by_pair.items())),
        "peak_rss_mb": max(rss_mb(children), max(worker_peaks or [0])),
        "peak_rss_mb_generator": gen_rss,
        "seconds": {"generate": round(gen_seconds, 2), "wall": round(wall, 2),
                    "import_total": round(sum(t for t, _ in timed), 2),
                    "slowest_file": round(timed[0][0], 3) if timed else 0},
        "slowest": [{"seconds": t, "family": f["family"], "mutation": f["mutation"], "path": f["path"],
                     "status": results[f["index"]]["status"]} for t, f in timed[:12]],
        "most_memory": [{"maxrss_growth_mb": m, "family": f["family"], "mutation": f["mutation"], "path": f["path"],
                         "maxrss_mb": results[f["index"]].get("maxrss_mb")} for m, f in hungry[:8] if m > 0],
        "failure_groups": [{"kind": k, "exc_type": e, "where": w, "message": m, "files": n}
                           for (k, e, w, m), n in groups.most_common()],
        "failures": failing,
        "parser_refusals": [{"origin": o, "exc_type": e, "where": w, "files": n}
                            for (o, e, w), n in parser_groups.most_common()],
        "refusal_reasons": {fam: dict(c.most_common(8)) for fam, c in sorted(refusals.items())},
        "refusal_reasons_by_mutation": {m: dict(c.most_common(5)) for m, c in sorted(refusals_m.items())},
    }


def _size(p: Path) -> int:
    if p.is_dir():
        return sum(q.stat().st_size for q in p.rglob("*") if q.is_file())
    return p.stat().st_size if p.exists() else 0


def print_table(summary: dict) -> None:
    cols = list(COUNTED)
    short = ["files", "imp", "ref", "crash", "intern", "masked", "hang", "mem", "invar", "expect"]
    print(f"{'family':12s}" + "".join(f"{s:>8s}" for s in short))
    for fam, row in summary["by_family"].items():
        print(f"{fam:12s}" + "".join(f"{row[c]:8d}" for c in cols))
    print(f"{'TOTAL':12s}" + "".join(f"{summary['totals'][c]:8d}" for c in cols))
    s = summary["seconds"]
    print(f"peak RSS {summary['peak_rss_mb']:,.0f} MB; generate {s['generate']:.1f} s, "
          f"import {s['import_total']:.1f} s, "
          f"wall {s['wall']:.1f} s, slowest file {s['slowest_file']:.2f} s; "
          f"{summary['generated_bytes'] / 1e6:,.1f} MB generated")
    if summary["failure_groups"]:
        print("failures by cause (files):")
        for g in summary["failure_groups"][:40]:
            print(f"  {g['files']:4d}  {g['kind']:14s} {g['exc_type']:22s} {g['where'][:60]:60s} {g['message'][:60]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=800)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/ewarning-fuzz"))
    ap.add_argument("--json", type=Path, help="write the summary here")
    ap.add_argument("--per-file-timeout", type=float, default=30.0)
    ap.add_argument("--grace", type=float, default=5.0, help="seconds after the timeout before the worker is killed")
    ap.add_argument("--memory-kill-mb", type=int, default=3072)
    ap.add_argument("--only", type=int, action="append", help="generate and import only this index (repeatable)")
    ap.add_argument("--heavy", action="store_true", help="add the generator's HEAVY cases (costly bombs under the "
                    "workbook limits) after the specific cases")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--manifest", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    t_wall = time.perf_counter()
    args.workdir.mkdir(parents=True, exist_ok=True)
    files_dir = args.workdir / f"files-seed{args.seed}"
    if files_dir.exists() and not args.only:
        shutil.rmtree(files_dir)
    hostile = load_generator()
    t0 = time.perf_counter()
    generated = hostile.generate(args.seed, args.files, files_dir, indices=args.only, heavy=args.heavy)
    gen_seconds = time.perf_counter() - t0
    gen_rss = rss_mb(resource.getrusage(resource.RUSAGE_SELF))
    files = [f.as_dict() for f in generated]
    manifest = args.workdir / f"manifest-seed{args.seed}.json"
    manifest.write_text(json.dumps(files))
    results, peaks = supervise(args, manifest, files)
    summary = summarise(args, files, results, gen_seconds, time.perf_counter() - t_wall, gen_rss, peaks)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1, default=str))
    print_table(summary)
    shutil.rmtree(args.workdir / "stores", ignore_errors=True)
    if not args.keep and not summary["failures"]:
        shutil.rmtree(files_dir, ignore_errors=True)
    t = summary["totals"]
    bad = sum(t[k] for k in COUNTED[3:] if k != "masked_errors")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

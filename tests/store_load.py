"""Many analysts on one store at once, and a writer killed mid-import: the workloads behind
``tests/test_store_concurrency.py`` (reduced) and ``benchmarks/bench_store_load.py`` (full size).

:func:`run_load` starts writer, triage and reader processes on one store
(GeoPackage file or PostGIS URL) and checks afterwards that nothing was lost
or doubled; :func:`kill_mid_import` kills a writer between the rows and the
commit of a real import. Processes are forked: each opens its own store (no
connection crosses a fork).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SECRET = b"load-test"
HEADER = "id,reported_at,category,severity,killed,lat,lon,channel,verification,reporter,text\n"
CATEGORIES = ("threat", "attack", "killing", "displacement", "looting")


@dataclass
class LoadResult:
    backend: str
    writers: int
    alerts_per_writer: int
    files: int
    seconds: float
    alerts_stored: int
    alerts_expected: int
    duplicate_ids: int
    shared_file_imports: int          # how many times the file every writer imports was stored (must be 1)
    triage_applied: int
    triage_conflicts: int
    triage_errors: int
    edits_stored: int
    reads: int
    hotspot_runs: int
    half_imports_seen: int
    writer_errors: list

    @property
    def alerts_per_second(self) -> float:
        return self.alerts_stored / self.seconds if self.seconds else float("nan")


def write_files(folder: Path, writers: int, per_writer: int, per_file: int, seed: int = 7) -> dict[int, list[Path]]:
    """CSV alert files per writer (distinct ids) plus ``shared.csv`` that every writer imports too."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[int, list[Path]] = {}
    start = pd.Timestamp("2018-06-01T00:00:00Z")

    def line(alert_id: str, i: int) -> str:
        when = start + pd.Timedelta(minutes=37 * i + rng.randrange(30))
        lat, lon = 4.0 + rng.random() * 3.0, 19.0 + rng.random() * 4.0
        return (f"{alert_id},{when:%Y-%m-%dT%H:%M:%SZ},{rng.choice(CATEGORIES)},{rng.randint(1, 3)},"
                f"{rng.choice([0, 0, 0, 1, 3])},{lat:.5f},{lon:.5f},hotline,unverified,+236 7{rng.randrange(10**7):07d},"
                f"report {alert_id}\n")

    for w in range(writers):
        files = []
        for f in range(0, per_writer, per_file):
            path = folder / f"w{w}-{f // per_file:03d}.csv"
            path.write_text(HEADER + "".join(line(f"W{w}-{i:05d}", w * per_writer + i)
                                             for i in range(f, min(f + per_file, per_writer))), encoding="utf-8")
            files.append(path)
        out[w] = files
    shared = folder / "shared.csv"
    shared.write_text(HEADER + "".join(line(f"S-{i:04d}", i) for i in range(50)), encoding="utf-8")
    for files in out.values():
        files.insert(len(files) // 2, shared)
    return out


# -- the processes ------------------------------------------------------------------------------------------------
def _writer(location: str, files: list[Path], results: Path) -> None:
    from ewarning.importing import import_files
    from ewarning.store import open_store

    store = open_store(location)
    rows = []
    for path in files:
        (report,) = import_files(store, [path], layer="alerts", user=f"writer-{os.getpid()}", secret=SECRET)
        rows.append({"file": path.name, "status": report.status, "stored": report.n_stored,
                     "reason": report.reason or ""})
    results.write_text(json.dumps(rows), encoding="utf-8")


def _triager(location: str, done: Path, results: Path, seed: int) -> None:
    from ewarning import triage
    from ewarning.store import EditConflict, StoreError, open_store

    store = open_store(location)
    rng = random.Random(seed)
    applied = conflicts = errors = 0
    (results.parent / f"{results.stem}.ready").touch()
    while not done.exists():
        alerts = store.read("alerts")
        if alerts.empty:
            time.sleep(0.05)
            continue
        versions = dict(zip(store.alert_versions()["alert_id"], store.alert_versions()["version"]))
        # A few alerts only, and a pause between reading and writing: analysts editing the same reports.
        aid = rng.choice(sorted(alerts["id"])[:12])
        seen = int(versions.get(aid, 0))
        time.sleep(rng.random() * 0.05)
        try:
            edit = (triage.verify if rng.random() < 0.5 else triage.discount)(alerts, aid, based_on=seen,
                                                                               user=f"triage-{seed}")
        except triage.TriageError:   # already in that state as this analyst saw it: nothing to send
            continue
        try:
            triage.apply(store, edit)
            applied += 1
        except EditConflict:
            conflicts += 1
        except StoreError:
            errors += 1
    results.write_text(json.dumps({"applied": applied, "conflicts": conflicts, "errors": errors}), encoding="utf-8")


def _reader(location: str, done: Path, results: Path) -> None:
    from ewarning.hotspots import score_hotspots
    from ewarning.store import open_store

    store = open_store(location)
    reads = runs = half = 0
    (results.parent / f"{results.stem}.ready").touch()
    while not done.exists():
        alerts = store.read("alerts")
        imports = store.read("imports").set_index("fid")["n_stored"]
        reads += 1
        # An import is all or nothing: every import seen in the alerts is seen whole.
        for import_id, n in alerts["import_id"].value_counts().items():
            if int(imports.get(import_id, -1)) != int(n):
                half += 1
        if len(alerts) and reads % 3 == 1:
            score_hotspots(alerts, as_of=alerts["reported_at"].max() + pd.Timedelta("1s"))
            runs += 1
    results.write_text(json.dumps({"reads": reads, "hotspot_runs": runs, "half": half}), encoding="utf-8")


def run_load(location: str, backend: str, folder: Path, writers: int = 8, per_writer: int = 2000,
             per_file: int = 250, triagers: int = 4, readers: int = 4) -> LoadResult:
    """Run the load on the (already created, empty) store at ``location`` and check what it holds after."""
    import ewarning.hotspots  # noqa: F401 - loaded once here, not in every forked process
    import ewarning.importing  # noqa: F401
    import ewarning.triage  # noqa: F401
    from ewarning.store import open_store

    files = write_files(folder / "files", writers, per_writer, per_file)
    done = folder / "writers-done"
    ctx = mp.get_context("fork")
    started = time.perf_counter()
    others = [ctx.Process(target=_triager, args=(location, done, folder / f"t{i}.json", i)) for i in range(triagers)]
    others += [ctx.Process(target=_reader, args=(location, done, folder / f"r{i}.json")) for i in range(readers)]
    writer_procs = [ctx.Process(target=_writer, args=(location, files[w], folder / f"w{w}.json"))
                    for w in range(writers)]
    for p in others:
        p.start()
    ready = [folder / f"{kind}{i}.ready" for kind, n in (("t", triagers), ("r", readers)) for i in range(n)]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:   # readers read from the start
        time.sleep(0.02)
    started = time.perf_counter()
    for p in writer_procs:
        p.start()
    for p in writer_procs:
        p.join()
    seconds = time.perf_counter() - started
    done.touch()
    for p in others:
        p.join(timeout=120)
    writer_errors = [f"writer {i} exit {p.exitcode}" for i, p in enumerate(writer_procs) if p.exitcode]
    writer_errors += [f"process exit {p.exitcode}" for p in others if p.exitcode]
    rows = [r for w in range(writers) if (folder / f"w{w}.json").exists()
            for r in json.loads((folder / f"w{w}.json").read_text())]
    writer_errors += [f"{r['file']}: {r['status']} {r['reason']}" for r in rows
                      if r["status"] not in ("imported", "unchanged")]
    tri = [json.loads((folder / f"t{i}.json").read_text()) for i in range(triagers) if (folder / f"t{i}.json").exists()]
    rea = [json.loads((folder / f"r{i}.json").read_text()) for i in range(readers) if (folder / f"r{i}.json").exists()]
    store = open_store(location)
    alerts = store.read("alerts")
    expected = writers * per_writer + 50
    result = LoadResult(
        backend=backend, writers=writers, alerts_per_writer=per_writer, files=len(rows), seconds=seconds,
        alerts_stored=len(alerts), alerts_expected=expected, duplicate_ids=int(alerts["id"].duplicated().sum()),
        shared_file_imports=sum(1 for r in rows if r["file"] == "shared.csv" and r["status"] == "imported"),
        triage_applied=sum(t["applied"] for t in tri), triage_conflicts=sum(t["conflicts"] for t in tri),
        triage_errors=sum(t["errors"] for t in tri), edits_stored=len(store.read("alert_edits")),
        reads=sum(r["reads"] for r in rea), hotspot_runs=sum(r["hotspot_runs"] for r in rea),
        half_imports_seen=sum(r["half"] for r in rea), writer_errors=writer_errors)
    if hasattr(store, "close"):
        store.close()
    return result


def expected_ids(writers: int, per_writer: int) -> set[str]:
    return {f"W{w}-{i:05d}" for w in range(writers) for i in range(per_writer)} | {f"S-{i:04d}" for i in range(50)}


# -- a writer killed between its rows and its commit ----------------------------------------------------------------
def _doomed_writer(location: str, path: Path, ready: Path) -> None:
    """Import ``path``, but stop for good inside the transaction, after the rows and before the commit."""
    import ewarning.store.geopackage as geopackage
    import ewarning.store.postgis as postgis
    from ewarning.importing import import_files
    from ewarning.store import open_store

    def stall(*args, **kwargs):   # the import's audit entry is written last, inside the transaction
        ready.touch()
        time.sleep(600)

    geopackage._audit = postgis._audit = stall
    store = open_store(location)
    import_files(store, [path], layer="alerts", user="doomed", secret=SECRET)


def kill_mid_import(location: str, path: Path, folder: Path, timeout: float = 120.0) -> float:
    """Start an import of ``path`` and SIGKILL it once its rows are written but not committed; return the
    seconds from the start to the kill."""
    ready = folder / "doomed-ready"
    ctx = mp.get_context("fork")
    started = time.perf_counter()
    proc = ctx.Process(target=_doomed_writer, args=(location, path, ready))
    proc.start()
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if time.monotonic() > deadline or not proc.is_alive():
            proc.kill()
            raise RuntimeError("the writer never reached its commit")
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    return time.perf_counter() - started


def big_file(folder: Path, n: int) -> Path:
    (files,) = write_files(folder / "big", 1, n, n).values()
    return next(f for f in files if f.name != "shared.csv")


__all__ = ["LoadResult", "big_file", "expected_ids", "kill_mid_import", "run_load", "write_files"]

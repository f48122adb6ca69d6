"""Do no harm: thousands of hostile files through the real import, none may crash, hang, leak or lie.

Four chunks of generated files (``tests/hostile_files.py``, different seeds, each with the issue's specific cases:
billion laughs, external entities, zip bombs, a shared-strings bomb, VRT disguised as GeoJSON and GeoPackage, a
GeoPackage with a non-spatial table, huge fields, colliding headers, deep nesting, empty files, a folder) are
imported by ``benchmarks/fuzz_import.py`` in subprocesses, one fresh store per file. Each chunk must end with no
crash (nothing escapes ``import_files``, no worker dies), no internal error behind ``import_files``' catch-all
refusal ("please report this file"), no file over
30 s, no memory kill, peak resident memory under 1 GB, ``read == stored + quarantined`` with the store's row counts
agreeing for every imported file (nothing stored for a refused one), entity and VRT files refused, valid seeds
imported, and every reader family exercised.

Spread the chunks over both cores with ``pytest tests/test_hostile_inputs.py -n 2``. The failure message lists
each failing file (family, mutation, exception, where) and a command that reproduces it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "benchmarks" / "fuzz_import.py"
FAMILIES = ("own", "acled", "ucdp", "hxl", "kobo_csv", "kobo_xlsx", "excel", "geojson", "gpkg", "gpx", "kml")
#: (seed, files, heavy): 4 x 800 = 3,200 files, about 290 per reader family. Two chunks (one per xdist worker when
#: they alternate) also get the generator's HEAVY cases: bombs that pass the workbook limits yet cost a minute.
CHUNKS = [(101, 800, True), (202, 800, False), (303, 800, True), (404, 800, False)]
PEAK_MB = 1024


def _describe(summary: dict, limit: int = 60) -> str:
    lines = [f"seed {summary['seed']}: " + ", ".join(f"{k} {v}" for k, v in summary["totals"].items()),
             f"peak RSS {summary['peak_rss_mb']:.0f} MB, slowest file {summary['seconds']['slowest_file']:.1f} s",
             "causes (files):"]
    for g in summary["failure_groups"][:25]:
        lines.append(f"  {g['files']:4d} {g['kind']} {g['exc_type']} {g['where']} {g['message']}".rstrip())
    lines.append("files:")
    for f in summary["failures"][:limit]:
        for x in f["failures"]:
            lines.append(f"  [{f['family']}/{f['mutation']}] {Path(f['path']).name}: {x['kind']} "
                         f"{x.get('exc_type', '')} at {x.get('where_ewarning') or x.get('where', '')}: "
                         f"{x['message'][:160]}")
        lines.append(f"      reproduce: {f['reproduce']}")
    if len(summary["failures"]) > limit:
        lines.append(f"  ... and {len(summary['failures']) - limit} more files (see the JSON)")
    return "\n".join(lines)


@pytest.mark.parametrize("seed,files,heavy", CHUNKS, ids=[f"seed{s}" for s, _, _ in CHUNKS])
def test_hostile_inputs(seed, files, heavy, tmp_path):
    out = tmp_path / "fuzz.json"
    proc = subprocess.run([sys.executable, str(RUNNER), "--seed", str(seed), "--files", str(files),
                           "--workdir", str(tmp_path), "--json", str(out), "--per-file-timeout", "30"]
                          + (["--heavy"] if heavy else []),
                          cwd=str(ROOT), capture_output=True, text=True, timeout=1800)
    assert out.exists(), f"the runner wrote no result (status {proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}"
    summary = json.loads(out.read_text())
    t = summary["totals"]
    message = _describe(summary)
    assert summary["files"] == files and t["files"] == files, message
    assert t["crashes"] == 0, message
    assert t["internal_errors"] == 0, message
    assert t["hangs"] == 0, message
    assert t["memory_kills"] == 0, message
    assert t["invariant_failures"] == 0, message
    assert t["expectation_failures"] == 0, message
    assert summary["peak_rss_mb"] < PEAK_MB, message
    assert t["imported"] + t["refused"] == files, message
    missing = [f for f in FAMILIES if summary["by_family"].get(f, {}).get("files", 0) < files // len(FAMILIES) - 1]
    assert not missing, f"reader families not exercised enough: {missing}\n{message}"
    assert all(summary["by_family"][f]["imported"] > 0 for f in FAMILIES), message  # mutations must not all bounce
    assert proc.returncode == 0, message
    # Reader exceptions that ewarning.io.read turns into refusals ("masked_errors") are reported in the JSON and in
    # the message above, not failed on: that catch-all is a refusal by design.

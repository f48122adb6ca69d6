"""Patrol analytics benchmark: 500 tracks of 2,000 points through clean, gaps, stops, speeds and coverage.

Run: ``.venv/bin/python benchmarks/bench_patrols.py [--tracks 500] [--points 2000] [--gpx 20]``.

Tracks are synthetic but shaped like real ones (seeded): 10-second fixes
with a few metres of GPS noise, drives at 25-60 km/h, walks at 3-6 km/h,
stops of 10-40 minutes with jitter, a gap now and then, and one speed spike
per track; 60 sites (IDP sites and communities) are tested for coverage.
Prints the machine, the date and the figures; nothing is hard-coded. The
target of issue #14 is under 10 s for the analytics of 500 x 2,000 points.
``--gpx N`` also writes N tracks as GPX files and times reading them back
(parsing is separate from the analytics: an import reads each file once).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ewarning.tracking import analyse, read_tracks  # noqa: E402


def synthetic(tracks: int, points: int, seed: int = 14) -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    frames, meta = [], []
    lat0, lon0 = 5.0, 21.0
    m_per_deg = 111_320.0
    for k in range(tracks):
        # a sequence of legs: mode per leg, speeds in m/s
        n = points
        leg = rng.integers(30, 200, size=n // 30 + 2)
        modes = rng.choice(["drive", "walk", "stop"], size=len(leg), p=[0.5, 0.3, 0.2])
        mode = np.repeat(modes, leg)[:n]
        speed = np.where(mode == "drive", rng.uniform(7, 17), np.where(mode == "walk", rng.uniform(0.8, 1.7), 0.0))
        heading = np.cumsum(rng.normal(0, 0.05, n)) + rng.uniform(0, 2 * np.pi)
        dt = np.full(n, 10.0)
        gaps = rng.random(n) < 0.001
        dt[gaps] = rng.uniform(2000, 4000, gaps.sum())
        t = np.cumsum(dt)
        dx = np.cos(heading) * speed * 10.0
        dy = np.sin(heading) * speed * 10.0
        x = np.cumsum(dx) + rng.normal(0, 3, n)
        y = np.cumsum(dy) + rng.normal(0, 3, n)
        spike = rng.integers(10, n - 10)
        x[spike] += 5_000
        cx, cy = rng.uniform(-300_000, 300_000, 2)
        lat = lat0 + (y + cy) / m_per_deg
        lon = lon0 + (x + cx) / (m_per_deg * np.cos(np.radians(lat0)))
        pid = f"PTL-B-{k:04d}"
        frames.append(pd.DataFrame({"patrol_id": pid, "time": pd.Timestamp("2018-11-01", tz="UTC")
                                    + pd.to_timedelta(t, unit="s"), "lat": lat, "lon": lon}))
        meta.append({"patrol_id": pid, "component": "military", "type": rng.choice(["vehicle", "dismounted"])})
    sx = rng.uniform(20.0, 22.0, 60)
    sy = rng.uniform(4.0, 6.0, 60)
    sites = gpd.GeoDataFrame({"name": [f"site {i}" for i in range(60)]}, geometry=gpd.points_from_xy(sx, sy),
                             crs="EPSG:4326")
    return pd.concat(frames, ignore_index=True), pd.DataFrame(meta), sites


def write_gpx(points: pd.DataFrame, folder: Path, n: int) -> list[Path]:
    paths = []
    for pid, g in list(points.groupby("patrol_id"))[:n]:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">',
                 f"<trk><name>{pid}</name><trkseg>"]
        lines += [f'<trkpt lat="{la:.6f}" lon="{lo:.6f}"><time>{t:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
                  for la, lo, t in zip(g["lat"], g["lon"], g["time"])]
        lines.append("</trkseg></trk></gpx>")
        path = folder / f"{pid}.gpx"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=int, default=500)
    ap.add_argument("--points", type=int, default=2000)
    ap.add_argument("--gpx", type=int, default=20, help="tracks also written as GPX and read back (0: skip)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    print(f"date: {pd.Timestamp.now(tz='UTC'):%Y-%m-%d %H:%M} UTC")
    points, meta, sites = synthetic(args.tracks, args.points)
    print(f"input: {args.tracks} tracks x {args.points} points = {len(points):,} points, {len(sites)} sites")
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = analyse(points, meta, sites)
        times.append(time.perf_counter() - t0)
    p = result.patrols
    print(f"analytics (clean, gaps, stops, speeds, foot/vehicle, coverage): best {min(times):.2f} s, "
          f"median {np.median(times):.2f} s of {args.repeat}  (target < 10 s)")
    print(f"  found: {int(p['stops'].sum()):,} stops, {int(p['gaps'].sum())} gaps, "
          f"{result.cleaning['speed spike']} spikes dropped, {len(result.passes):,} site passes, "
          f"dismounted share {p['dismounted_min'].sum() / max(p['moving_min'].sum(), 1e-9):.2f}")
    if args.gpx:
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_gpx(points, Path(tmp), args.gpx)
            t0 = time.perf_counter()
            tracks = read_tracks(Path(tmp))
            dt = time.perf_counter() - t0
            print(f"reading {len(paths)} GPX files ({len(tracks.points):,} points, defusedxml with shape checks): "
                  f"{dt:.2f} s, {dt / len(paths) * 1000:.0f} ms per 2,000-point file")
    return 0


if __name__ == "__main__":
    sys.exit(main())

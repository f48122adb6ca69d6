#!/usr/bin/env python3
"""Vendor the map's front-end assets so the dashboard works with no internet.

folium, its plugins and streamlit-folium load Leaflet, jQuery, Bootstrap,
Font Awesome, awesome-markers and MarkerCluster from public CDNs. A Joint
Operations Centre network has no internet, so this script fetches pinned
versions from the npm registry *once, at install time*, and copies only the
files the maps need into ``static/vendor/``, which Streamlit serves at
``/app/static/vendor/`` (``[server] enableStaticServing = true``).

It writes, next to the files:

- ``manifest.json``: every CDN URL folium would load -> the vendored file
  (relative to ``static/vendor/``). :mod:`ewarning.render.maps` rewrites folium's
  ``default_js`` / ``default_css`` through it and refuses any URL it lacks,
  so a new plugin cannot silently fetch from a CDN.
- ``VERSIONS.md``: package, version, licence and npm integrity hash.
- each package's licence file.

Usage (from the repository root; needs ``npm`` and the registry)::

    python scripts/vendor_assets.py            # (re)vendor into static/vendor
    python scripts/vendor_assets.py --check    # verify the manifest's files exist

``npm pack`` only downloads the published tarball (no install scripts run);
tarballs are unpacked in a temporary directory with path checks, and nothing
is left in the repository but the copied files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "static" / "vendor"

JSDELIVR = "https://cdn.jsdelivr.net"
CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"


@dataclass
class Package:
    """One npm package: what to copy and which CDN URLs it stands in for.

    ``files`` maps a path inside the tarball (``package/`` stripped; a
    trailing ``/*.ext`` copies every matching file of a folder) to a path
    under the package's vendor folder. ``urls`` maps a CDN URL to a path
    under that folder.
    """

    spec: str
    folder: str
    licence_file: str
    files: dict[str, str]
    urls: dict[str, str] = field(default_factory=dict)
    note: str = ""
    licence: str = ""  # when package.json is wrong or silent

    @property
    def name(self) -> str:
        return self.spec.rsplit("@", 1)[0]

    @property
    def version(self) -> str:
        return self.spec.rsplit("@", 1)[1]


PACKAGES = [
    Package(
        "leaflet@1.9.3", "leaflet-1.9.3", "LICENSE",
        {"dist/leaflet.js": "leaflet.js", "dist/leaflet.css": "leaflet.css", "dist/images/*.png": "images/"},
        {f"{JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet.js",
         f"{JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet.css"},
    ),
    Package(
        "jquery@3.7.1", "jquery-3.7.1", "LICENSE.txt",
        {"dist/jquery.min.js": "jquery.min.js"},
        {"https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
         f"{CDNJS}/jquery/3.7.1/jquery.min.js": "jquery.min.js"},
    ),
    Package(
        "bootstrap@5.2.2", "bootstrap-5.2.2", "LICENSE",
        {"dist/css/bootstrap.min.css": "css/bootstrap.min.css",
         "dist/js/bootstrap.bundle.min.js": "js/bootstrap.bundle.min.js"},
        {f"{JSDELIVR}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": "css/bootstrap.min.css",
         f"{JSDELIVR}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": "js/bootstrap.bundle.min.js"},
    ),
    Package(
        "@fortawesome/fontawesome-free@6.2.0", "fontawesome-free-6.2.0", "LICENSE.txt",
        {"css/all.min.css": "css/all.min.css", "webfonts/*.woff2": "webfonts/", "webfonts/*.ttf": "webfonts/"},
        {f"{JSDELIVR}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": "css/all.min.css"},
    ),
    Package(
        # folium loads the stand-alone "bootstrap-glyphicons.css" of Bootstrap
        # 3.0.0 for awesome-markers' default "glyphicon" prefix. It is not on
        # npm; the same icon font and rules are cut out of Bootstrap 3.4.1.
        "bootstrap@3.4.1", "glyphicons-bootstrap-3.4.1", "LICENSE",
        {"fonts/*": "fonts/"},
        {"https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": "css/bootstrap-glyphicons.css"},
        note="Glyphicons Halflings font and `.glyphicon` rules only, cut from dist/css/bootstrap.css",
    ),
    Package(
        # folium pins the cdnjs build 2.0.2; the npm release 2.0.5 of the same
        # author has identical code (only the version string differs).
        "leaflet.awesome-markers@2.0.5", "leaflet.awesome-markers-2.0.5", "LICENSE",
        {"dist/leaflet.awesome-markers.js": "leaflet.awesome-markers.js",
         "dist/leaflet.awesome-markers.css": "leaflet.awesome-markers.css",
         "dist/images/*.png": "images/"},
        {f"{CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": "leaflet.awesome-markers.js",
         f"{CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": "leaflet.awesome-markers.css"},
        note="LICENSE file is MIT; package.json says ISC", licence="MIT",
    ),
    Package(
        "leaflet.markercluster@1.1.0", "leaflet.markercluster-1.1.0", "MIT-LICENCE.txt",
        {"dist/leaflet.markercluster.js": "leaflet.markercluster.js",
         "dist/MarkerCluster.css": "MarkerCluster.css",
         "dist/MarkerCluster.Default.css": "MarkerCluster.Default.css"},
        {f"{CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js": "leaflet.markercluster.js",
         f"{CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": "MarkerCluster.css",
         f"{CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": "MarkerCluster.Default.css"},
    ),
    Package(
        "leaflet.featuregroup.subgroup@1.0.2", "leaflet.featuregroup.subgroup-1.0.2", "LICENSE",
        {"dist/leaflet.featuregroup.subgroup.js": "leaflet.featuregroup.subgroup.js"},
        {"https://unpkg.com/leaflet.featuregroup.subgroup@1.0.2/dist/leaflet.featuregroup.subgroup.js":
         "leaflet.featuregroup.subgroup.js"},
    ),
    Package(
        "leaflet.fullscreen@3.0.0", "leaflet.fullscreen-3.0.0", "LICENSE",
        {"Control.FullScreen.js": "Control.FullScreen.js", "Control.FullScreen.css": "Control.FullScreen.css",
         "icon-fullscreen.svg": "icon-fullscreen.svg"},
        {f"{JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "Control.FullScreen.js",
         f"{JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "Control.FullScreen.css"},
        note="the package ships no minified script; the plain one stands in for Control.FullScreen.min.js",
    ),
    Package(
        "leaflet.heat@0.2.0", "leaflet.heat-0.2.0", "LICENSE",
        {"dist/leaflet-heat.js": "leaflet-heat.js"},
        {f"{JSDELIVR}/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": "leaflet-heat.js"},
        note="package.json names no licence; LICENSE is BSD 2-clause", licence="BSD-2-Clause",
    ),
    Package(
        # folium.plugins.Draw (the area filter drawn on the situation map).
        # The npm tarball ships no licence file; package.json says MIT and the
        # script's banner names the copyright holders, written out as LICENSE.
        "leaflet-draw@1.0.2", "leaflet-draw-1.0.2", "LICENSE",
        {"dist/leaflet.draw.js": "leaflet.draw.js", "dist/leaflet.draw.css": "leaflet.draw.css",
         "dist/images/*": "images/"},
        {f"{CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js": "leaflet.draw.js",
         f"{CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css": "leaflet.draw.css"},
        note="no licence file in the npm tarball: LICENSE written from package.json (MIT) and the script banner",
    ),
]

#: Written by this script (no upstream file): folium's Icon(angle=...) adds
#: the class ``fa-rotate-<angle>``; these rules turn the icon.
ROTATE_URL = f"{JSDELIVR}/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css"
ROTATE_PATH = "ewarning/awesome-rotate.css"

_SOURCEMAP = re.compile(r"\n?/[/*]# sourceMappingURL=\S+?(?: \*/)?\s*$")


def npm_pack(spec: str, workdir: Path) -> dict:
    """Download one published tarball with ``npm pack``; return npm's metadata."""
    out = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
                         cwd=workdir, check=True, capture_output=True, text=True).stdout
    info = json.loads(out)[0]
    return info


def unpack(tarball: Path, into: Path) -> Path:
    """Extract a tarball safely (no absolute paths, no ``..``, no links)."""
    with tarfile.open(tarball) as tar:
        tar.extractall(into, filter="data")
    return into / "package"


def copy_files(pkg: Package, src: Path, dest: Path) -> list[str]:
    copied = []
    for pattern, target in pkg.files.items():
        if "*" in pattern:
            folder, glob = pattern.rsplit("/", 1)
            matches = sorted((src / folder).glob(glob))
            if not matches:
                raise SystemExit(f"{pkg.spec}: nothing matches {pattern}")
            for path in matches:
                copied.append(_copy(path, dest / target / path.name))
        else:
            copied.append(_copy(src / pattern, dest / target))
    return copied


def _copy(path: Path, to: Path) -> str:
    to.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix in (".js", ".css"):
        # Source maps are for developers; without this a browser with
        # devtools open would ask the server for files that are not there.
        to.write_text(_SOURCEMAP.sub("\n", path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        shutil.copyfile(path, to)
    return str(to)


def glyphicons_css(bootstrap3: Path) -> str:
    """The Glyphicons @font-face and ``.glyphicon*`` rules of Bootstrap 3."""
    css = (bootstrap3 / "dist" / "css" / "bootstrap.css").read_text(encoding="utf-8")
    start = css.index("@font-face")
    end = css.index("\n* {", start)
    header = "/* Glyphicons Halflings rules from Bootstrap v3.4.1 (MIT, https://getbootstrap.com) */\n"
    return header + css[start:end].strip() + "\n"


def rotate_css() -> str:
    rules = [f".fa-rotate-{a}{{transform:rotate({a}deg)}}" for a in range(0, 360)]
    return "/* ewarning: rotation classes for folium Icon(angle=...) */\n" + "\n".join(rules) + "\n"


def missing_licence(pkg: Package, meta: dict, src: Path) -> str:
    """A licence notice for a package whose tarball has no licence file."""
    banner = ""
    for rel in pkg.files:
        path = src / rel
        if path.suffix == ".js" and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if text.startswith("/*"):
                banner = text[: text.index("*/") + 2]
            break
    repo = meta.get("repository")
    repo = repo.get("url", "") if isinstance(repo, dict) else str(repo or "")
    return (f"{pkg.name} {pkg.version}: licence {licence_of(meta)} (from its package.json).\n"
            f"The npm tarball ships no licence file; see {repo} for the full text.\n\n{banner}\n")


def licence_of(meta: dict) -> str:
    lic = meta.get("license") or meta.get("licenses")
    if isinstance(lic, list):
        lic = " OR ".join(item.get("type", "?") for item in lic)
    if isinstance(lic, dict):
        lic = lic.get("type", "?")
    return str(lic or "see licence file")


def vendor(dest: Path = DEST) -> dict:
    manifest: dict = {"assets": {}, "packages": []}
    with tempfile.TemporaryDirectory(prefix="ewarning-vendor-") as tmp:
        tmp = Path(tmp)
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for pkg in PACKAGES:
            info = npm_pack(pkg.spec, tmp)
            src = unpack(tmp / info["filename"], tmp / pkg.folder)
            meta = json.loads((src / "package.json").read_text(encoding="utf-8"))
            if meta["version"] != pkg.version:
                raise SystemExit(f"{pkg.spec}: npm returned version {meta['version']}")
            out = dest / pkg.folder
            copy_files(pkg, src, out)
            if pkg.name == "bootstrap" and pkg.version.startswith("3."):
                (out / "css").mkdir(parents=True, exist_ok=True)
                (out / "css" / "bootstrap-glyphicons.css").write_text(glyphicons_css(src), encoding="utf-8")
            if (src / pkg.licence_file).is_file():
                shutil.copyfile(src / pkg.licence_file, out / pkg.licence_file)
            else:
                (out / pkg.licence_file).write_text(missing_licence(pkg, meta, src), encoding="utf-8")
            for url, rel in pkg.urls.items():
                if not (out / rel).exists():
                    raise SystemExit(f"{pkg.spec}: {rel} (for {url}) was not copied")
                manifest["assets"][url] = f"{pkg.folder}/{rel}"
            manifest["packages"].append({
                "name": pkg.name, "version": pkg.version, "folder": pkg.folder,
                "licence": pkg.licence or licence_of(meta), "licence_file": f"{pkg.folder}/{pkg.licence_file}",
                "integrity": info.get("integrity", ""), "note": pkg.note,
            })
        rotate = dest / ROTATE_PATH
        rotate.parent.mkdir(parents=True, exist_ok=True)
        rotate.write_text(rotate_css(), encoding="utf-8")
        manifest["assets"][ROTATE_URL] = ROTATE_PATH
    manifest["files"] = {str(p.relative_to(dest)): _sha256(p) for p in sorted(dest.rglob("*")) if p.is_file()}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (dest / "VERSIONS.md").write_text(versions_md(manifest), encoding="utf-8")
    return manifest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions_md(manifest: dict) -> str:
    lines = [
        "# Vendored front-end assets",
        "",
        "Generated by `python scripts/vendor_assets.py` from the npm registry; do not edit by hand.",
        "Served by Streamlit at `/app/static/vendor/` so the maps load with no internet.",
        "",
        "| package | version | licence | folder | npm integrity | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in manifest["packages"]:
        lines.append(f"| {p['name']} | {p['version']} | {p['licence']} | `{p['folder']}` | "
                     f"`{p['integrity'][:22]}…` | {p['note']} |")
    lines += ["| ewarning (this project) | - | project licence | `ewarning` | - | "
              "rotation classes for folium `Icon(angle=...)`, written by the script |", "",
              "## CDN URL replaced -> vendored file", ""]
    lines += [f"- `{url}` -> `{path}`" for url, path in sorted(manifest["assets"].items())]
    return "\n".join(lines) + "\n"


def check(dest: Path = DEST) -> list[str]:
    """Problems with the vendored tree (missing or changed files); empty when fine."""
    path = dest / "manifest.json"
    if not path.exists():
        return [f"{path} missing: run scripts/vendor_assets.py"]
    manifest = json.loads(path.read_text(encoding="utf-8"))
    problems = [f"{rel}: missing" for rel in manifest["assets"].values() if not (dest / rel).is_file()]
    for rel, digest in manifest.get("files", {}).items():
        if not (dest / rel).is_file():
            problems.append(f"{rel}: missing")
        elif _sha256(dest / rel) != digest:
            problems.append(f"{rel}: changed since vendoring")
    return sorted(set(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only verify the vendored files")
    parser.add_argument("--dest", type=Path, default=DEST)
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.dest)
        print("\n".join(problems) or "vendored assets OK")
        return 1 if problems else 0
    manifest = vendor(args.dest)
    size = sum(p.stat().st_size for p in args.dest.rglob("*") if p.is_file())
    print(f"vendored {len(manifest['packages'])} packages, {len(manifest['files'])} files, "
          f"{size / 1e6:.1f} MB into {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

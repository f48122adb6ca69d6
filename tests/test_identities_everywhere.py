"""Reporter identities never appear in clear: not in the store, the logs, the exports or the pages.

One wide file per reader carries phone numbers, names, account handles and
e-mail addresses under more than thirty column spellings (English and French,
as hotline logs, KoBo forms and WhatsApp exports write them), and phone
numbers, e-mail addresses and handles inside the report text. Some rows are
valid, some are quarantined by the validator, one is rejected by the reader.
After the imports, every identity value is searched for, as written and as
bare digits, in the store file's bytes, the import and audit logs, the
command line's output, every export format of every table (with and without
free text), the pages rendered by Streamlit's AppTest and the situation
map's HTML. Names *inside* free text cannot be found by any tool, so the
test does not put them there: exports and briefings leave free text out by
default instead (tested below too).
"""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from tests.signin import signed_in_app
from shapely.geometry import Point

from ewarning.importing import import_files
from ewarning.io.writers import EXPORT_FORMATS, export
from ewarning.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SECRET = b"identity-test-secret"
NOW = pd.Timestamp("2018-12-01", tz="UTC")

#: Column spellings and the kind of identity each one holds.
SPELLINGS = {
    "phone": "phone", "Phone Number": "phone", "Téléphone": "phone", "telephone_du_rapporteur": "phone",
    "Tel": "phone", "Mobile": "phone", "MSISDN": "phone", "Caller ID": "phone", "Numéro de téléphone": "phone",
    "Portable": "phone", "Cellulaire": "phone", "WhatsApp": "phone", "GSM": "phone", "Reporter phone": "phone",
    "contact_phone": "phone", "From": "phone", "Sender": "phone", "numero": "phone",
    "Name": "name", "Nom": "name", "Prénom": "name", "Full name": "name", "Nom complet": "name",
    "Rapporteur": "name", "Informant": "name", "Informateur": "name", "Source name": "name",
    "Point focal": "name", "Submitted by": "name", "Enumerator": "name", "Enquêteur": "name",
    "Signalé par": "name", "Contact person": "name", "Nom et prénom": "name", "Respondent": "name",
    "Username": "handle", "Telegram": "handle", "Facebook account": "handle", "Twitter handle": "handle",
    "Pseudo": "handle", "Email": "email", "E-mail": "email", "Courriel": "email", "adresse_email": "email",
    # No identity word in the name: found by its content.
    "field_17": "phone", "autre": "email",
}
SYLLABLES = ["zo", "ro", "ba", "kpa", "ngu", "te", "vo", "li", "mba", "sse", "dji", "wa"]


class Identities:
    """Unique, recognisable identity values, and every form in which one could leak."""

    def __init__(self):
        self.values: list[str] = []
        self._n = itertools.count(1)
        self._names = ("".join(p).capitalize() for p in itertools.product(SYLLABLES, repeat=4))

    def make(self, kind: str) -> str:
        n = next(self._n)
        value = {"phone": lambda: f"+236 7{n % 10} {n // 100 % 100:02d} {n % 100:02d} {17 + n % 80:02d}",
                 "name": lambda: f"{next(self._names)} {next(self._names)}",
                 "handle": lambda: f"@kpa_inf{n:04d}",
                 "email": lambda: f"inf{n:04d}.zb@courrier.cf"}[kind]()
        self.values.append(value)
        return value

    def needles(self) -> list[bytes]:
        out = []
        for value in self.values:
            out.append(value.encode())
            if value.startswith("+"):
                digits = re.sub(r"\D", "", value)
                out += [digits.encode(), digits[3:].encode()]  # with and without the country code
            elif " " in value:
                out += [part.encode() for part in value.split()]
            elif value.startswith("@"):
                out.append(value[1:].encode())
        return out

    def found_in(self, data: bytes | str) -> list[str]:
        data = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        return sorted({n.decode() for n in self.needles() if n in data})


def _rows(ids: Identities, n: int = 4) -> list[dict]:
    """Alert rows with every identity column; row 3 has a broken latitude (quarantined)."""
    rows = []
    for i in range(n):
        phone, mail, handle = ids.make("phone"), ids.make("email"), ids.make("handle")
        row = {"lat": "4.79" if i != 2 else "north of the market", "lon": f"20.6{i}", "category": "armed_attack",
               "occurred_at": f"2018-11-{10 + i:02d}T08:00:00Z",
               "text": f"Armed men at the market. Call back {phone}, or write to {mail} / {handle}."}
        row.update({col: ids.make(kind) for col, kind in SPELLINGS.items()})
        rows.append(row)
    return rows


def _csv(rows: list[dict], prefix: str = "") -> str:
    frame = pd.DataFrame(rows)
    frame.columns = [prefix + c for c in frame.columns]
    return frame.to_csv(index=False)


def write_files(folder: Path, ids: Identities) -> list[Path]:
    """One file per reader, each carrying identities (see the module docstring)."""
    files = []
    # canonical CSV, with a ragged row the reader itself rejects
    own = folder / "own.csv"
    text = _csv(_rows(ids))
    ragged = ",".join(["4.8", "20.7", "looting", "2018-11-12", ids.make("phone"), ids.make("name"), "x"])
    own.write_text(text + ragged + "\n", encoding="utf-8")
    files.append(own)
    # Excel workbook, one alerts sheet
    rows = _rows(ids)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "alerts"
    ws.append(list(rows[0]))
    for row in rows:
        ws.append(list(row.values()))
    wb.save(folder / "sheet.xlsx")
    files.append(folder / "sheet.xlsx")
    # GeoJSON and GeoPackage with the identities as feature properties
    for suffix in ("geojson", "gpkg"):
        frame = pd.DataFrame(_rows(ids))
        geometry = [Point(20.6 + i / 10, 4.79) for i in range(len(frame))]
        gdf = gpd.GeoDataFrame(frame.drop(columns=["lat", "lon"]), geometry=geometry, crs="EPSG:4326")
        gdf.loc[2, "geometry"] = Point(20.6, 95.0)  # out of range: quarantined
        path = folder / f"layer.{suffix}"
        gdf.to_file(path, driver="GeoJSON" if suffix == "geojson" else "GPKG")
        files.append(path)
    # KoBo export: group paths and KoBo's bookkeeping columns
    kobo_rows = []
    for i, row in enumerate(_rows(ids)):
        kobo = {"_uuid": f"uuid-{i}", "_submission_time": f"2018-11-1{i}T09:00:00", "alert/category": "looting",
                "alert/lat": row.pop("lat"), "alert/lon": row.pop("lon"), "alert/description": row.pop("text")}
        row.pop("category"), row.pop("occurred_at")
        kobo.update({f"contact/{k}": v for k, v in row.items()})
        kobo_rows.append(kobo)
    (folder / "kobo.csv").write_text(pd.DataFrame(kobo_rows).to_csv(index=False), encoding="utf-8")
    files.append(folder / "kobo.csv")
    # HXL: tagged identity columns and untagged ones
    hxl = ["Date,Lat,Lon,Type,Text,Phone,Nom,Email,Courriel libre",
           "#date+occurred,#geo+lat,#geo+lon,#event+type,#description,#contact+phone,#contact+name,#contact+email,"]
    for i in range(3):
        hxl.append(f"2018-11-1{i},{4.7 + i / 10},20.6,looting,\"Call {ids.make('phone')}\",{ids.make('phone')},"
                   f"{ids.make('name')},{ids.make('email')},{ids.make('email')}")
    (folder / "hxl.csv").write_text("\n".join(hxl) + "\n", encoding="utf-8")
    files.append(folder / "hxl.csv")
    # ACLED and UCDP exports with identity columns added by whoever passed the file on
    acled = pd.DataFrame([{"event_id_cnty": f"CAF{i}", "event_date": f"2018-11-1{i}", "event_type": "Violence against civilians",
                           "sub_event_type": "Attack", "latitude": "4.79", "longitude": "20.68", "fatalities": "2",
                           "geo_precision": "1", "notes": f"Attack; source {ids.make('phone')}",
                           "timestamp": "1543000000", "Reporter phone": ids.make("phone"), "Nom": ids.make("name")}
                          for i in range(3)])
    (folder / "acled.csv").write_text(acled.to_csv(index=False), encoding="utf-8")
    files.append(folder / "acled.csv")
    ucdp = pd.read_csv(ROOT / "geodata" / "samples" / "ucdp-ged-car" / "ged231-car.csv", dtype=str, nrows=3)
    ucdp["Reporter phone"] = [ids.make("phone") for _ in range(len(ucdp))]
    ucdp["Nom"] = [ids.make("name") for _ in range(len(ucdp))]
    (folder / "ucdp.csv").write_text(ucdp.to_csv(index=False), encoding="utf-8")
    files.append(folder / "ucdp.csv")
    # GPS tracks: an identity in the description and in fields no reader should keep
    gpx = (f'<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
           f'<metadata><author><name>{ids.make("name")}</name><email id="x" domain="y"/></author></metadata>'
           f'<trk><name>P-77</name><desc>BANBAT call {ids.make("phone")}</desc><trkseg>'
           '<trkpt lat="4.79" lon="20.68"><time>2018-11-10T08:00:00Z</time></trkpt>'
           '<trkpt lat="4.80" lon="20.69"><time>2018-11-10T09:00:00Z</time></trkpt></trkseg></trk></gpx>')
    (folder / "track.gpx").write_text(gpx, encoding="utf-8")
    files.append(folder / "track.gpx")
    kml = ('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>P-78</name>'
           f'<ExtendedData><Data name="unit"><value>Coy {ids.make("phone")}</value></Data>'
           f'<Data name="phone"><value>{ids.make("phone")}</value></Data></ExtendedData>'
           '<TimeSpan><begin>2018-11-10T08:00:00Z</begin><end>2018-11-10T10:00:00Z</end></TimeSpan>'
           '<LineString><coordinates>20.68,4.79 20.69,4.80</coordinates></LineString></Placemark>'
           f'<Placemark><name>P-79</name><description>{ids.make("phone")}</description><Point>'
           '<coordinates>20.6,4.7</coordinates></Point></Placemark></Document></kml>')
    (folder / "tracks.kml").write_text(kml, encoding="utf-8")
    files.append(folder / "tracks.kml")
    return files


@pytest.fixture(scope="module")
def imported(demo_store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("identities")
    store_path = folder / "joc.gpkg"
    shutil.copyfile(demo_store, store_path)
    ids = Identities()
    files = write_files(folder, ids)
    store = open_store(store_path)
    reports = import_files(store, files, user="analyst", secret=SECRET, now=NOW)
    return {"folder": folder, "store_path": store_path, "store": store, "ids": ids, "files": files,
            "reports": reports}


def test_every_reader_read_its_file(imported):
    """The positive control: each file was imported, with rows stored and quarantined where planned."""
    reports = {r.source: r for r in imported["reports"]}
    assert len(SPELLINGS) >= 30
    for path in imported["files"]:
        report = reports[path.name]
        assert report.status == "imported", report.summary()
        assert report.n_stored >= 1, report.summary()
    for name in ("own.csv", "sheet.xlsx", "layer.geojson", "layer.gpkg"):
        assert reports[name].n_quarantined >= 1, reports[name].summary()
        assert "removed from report text" in reports[name].summary()
    assert any("identity: column(s) not read" in n for n in reports["own.csv"].notes)
    stored = imported["store"].read("alerts")
    assert stored["reporter_key"].str.fullmatch(r"R-[0-9a-f]{12}").sum() >= 12


def test_the_store_file_holds_no_identity(imported):
    store_path = imported["store_path"]
    data = b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))
    assert imported["ids"].found_in(data) == []


def test_reports_and_logs_hold_no_identity(imported):
    ids = imported["ids"]
    for report in imported["reports"]:
        text = report.summary() + "\n".join(report.notes) + report.quarantine.to_csv()
        assert ids.found_in(text) == [], report.source
    store = imported["store"]
    for table in ("imports", "audit", "quarantine"):
        assert ids.found_in(store.read(table).to_csv()) == [], table


def test_the_command_line_prints_no_identity(imported, tmp_path):
    env_store = tmp_path / "cli.gpkg"
    shutil.copyfile(imported["store_path"], env_store)
    done = subprocess.run([sys.executable, "-m", "ewarning", "validate", *map(str, imported["files"]),
                           "--store", str(env_store)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"EWARNING_SECRET": SECRET.hex(), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "quarantined" in done.stdout
    assert imported["ids"].found_in(done.stdout + done.stderr) == []


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("include_text", [False, True])
def test_no_export_holds_an_identity(imported, tmp_path, fmt, include_text):
    store = imported["store"]
    for layer in ("alerts", "quarantine", "imports", "patrols"):
        out = tmp_path / f"{layer}.{fmt}"
        export(store.read(layer), fmt, out, layer_name=layer, include_text=include_text,
               include_reporter_key=include_text)
        data = out.read_bytes()
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                data = b"".join(zf.read(name) for name in zf.namelist())
        assert imported["ids"].found_in(data) == [], (layer, fmt)


def test_free_text_is_left_out_of_exports_unless_asked(imported, tmp_path):
    store = imported["store"]
    export(store.read("alerts"), "csv", tmp_path / "a.csv")
    export(store.read("quarantine"), "csv", tmp_path / "q.csv")
    assert "text" not in pd.read_csv(tmp_path / "a.csv", dtype=str).columns
    raw = pd.read_csv(tmp_path / "q.csv", dtype=str)["raw"]
    texts = [json.loads(r).get("text") for r in raw if r.startswith("{")]
    from ewarning.io.writers import TEXT_WITHHELD
    assert texts and all(t in (None, TEXT_WITHHELD) for t in texts)
    export(store.read("alerts"), "csv", tmp_path / "b.csv", include_text=True)
    kept = pd.read_csv(tmp_path / "b.csv", dtype=str)["text"].dropna()
    assert kept.str.contains(r"\[phone removed\]", regex=True).any()


def test_pages_and_map_show_no_identity(imported, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ewarning.render import maps

    monkeypatch.setenv("EWARNING_STORE", str(imported["store_path"]))
    monkeypatch.setenv("EWARNING_USER", "ana")
    monkeypatch.setenv("EWARNING_TILES", "")
    monkeypatch.setenv("EWARNING_SECRET", SECRET.hex())
    at = signed_in_app(timeout=120)
    at.run()
    shown = []
    for page in ["app_pages/situation_map.py", "app_pages/hotspots.py", "app_pages/triage.py",
                 "app_pages/presence.py", "app_pages/data.py"]:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        if page.endswith("data.py"):
            at.checkbox(key="q_text").check().run()  # the analyst opts in to the quarantine's free text
        for kind in ("markdown", "caption", "text", "code", "json", "info", "warning", "error", "success"):
            shown += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
        shown += [pd.DataFrame(d.value).to_csv() for d in at.dataframe]
        shown += [str(s.options) for s in at.selectbox]
    page_text = "\n".join(shown)
    assert "[phone removed]" in page_text or "A-" in page_text  # the imported alerts are on the pages
    assert imported["ids"].found_in(page_text) == []
    store = imported["store"]
    html = maps.situation_map(store.read("alerts"), store.read("sites"), store.read("presence"),
                              store.read("patrols")).get_root().render()
    assert "P-77" in html or "armed" in html.lower()
    assert imported["ids"].found_in(html) == []


@pytest.mark.parametrize("annex", [False, True])
def test_no_briefing_product_holds_an_identity(imported, annex):
    """The leadership briefing as PDF, slides and HTML, redacted and with the analyst's detailed annex (free
    text and exact locations): read back, none of the planted identities is in any of them."""
    from ewarning import views
    from ewarning.auth import User
    from ewarning.render.briefing import figures, render
    from tests.test_briefing import html_text, pdf_text, pptx_text

    store = imported["store"]
    layers = views.Layers.from_store(store)
    as_of = (layers.alerts["reported_at"].max() + pd.Timedelta(days=1)).normalize()
    b = views.briefing(layers, as_of, User("ana", "analyst"), annex=annex)
    pictures = figures(b)
    texts = {"pdf": pdf_text(render(b, "pdf", pictures)), "pptx": pptx_text(render(b, "pptx", pictures)),
             "html": html_text(render(b, "html", pictures))}
    if annex:   # the positive control: the annex prints the reports' free text
        assert len(b.annex) and b.annex["text"].str.len().max() > 20
        excerpt = max(b.annex["text"], key=len)[:20]
        assert excerpt in texts["html"]
    for fmt, text in texts.items():
        assert "Protection of civilians" in text, fmt          # the product was read back
        assert imported["ids"].found_in(text) == [], fmt

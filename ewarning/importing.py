"""The import pipeline: file -> reader -> validator -> store, all or nothing per file.

Each file is read, every row validated (stored or quarantined with a reason),
near-duplicate alerts linked to the first report of their incident, and the
result written to the store in one transaction with an import-log entry. A
file that cannot be read at all is *refused*: nothing of it is stored and the
report says why. Patrol tables and route-point tables given in one call are
joined (a patrols CSV and its route points), so they are stored together.
Who imports is passed in (``user=``, required unless nothing is written):
the pipeline never reads it from the environment.

Examples
--------
>>> import tempfile, os, pathlib
>>> from ewarning.store import open_store
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.csv").write_text("lat,lon,category,occurred_at\\n4.79,20.68,killing,2018-11-15\\n0,0,looting,2018-11-14\\n")
>>> [r] = import_files(open_store(d / "s.gpkg"), [d / "a.csv"], user="ana", secret=b"k")
>>> r.status, r.n_stored, r.n_quarantined
('imported', 1, 1)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import geopandas as gpd
import pandas as pd

from . import alerts, identities, patrols, presence, sites, vocab
from .engagement import log as engagement_log
from .config import MISSION_LOCALE_SETTING, secret_file
from .i18n import N_, Translator
from .i18n.phrases import Phrase, Raw, Said, phrase_of, said_in
from .io import RawTable, ReadError, mapping, read
from .security import load_secret
from .store.errors import ImportRaced, StoreError, acting_user
from .validation import Validated, empty_quarantine, quarantine_rows

VALIDATORS = {"alerts": alerts.validate, "sites": sites.validate, "presence": presence.validate,
              "patrols": patrols.validate, "engagements": engagement_log.validate}
#: Said on every import into a store without a mission area (set with ``python -m ewarning mission set``;
#: the wording is the desk's too, so it names no command).
NO_AREA_NOTE = ("no mission area set for this store: swapped coordinates inside the valid range cannot be "
                "caught; the store's administrator can set one from the country's outline")

#: The columns each layer's validator reads. Only alerts have a reporter;
#: identity columns found in any other layer are dropped.
OWN_COLUMNS = {
    "alerts": (set(alerts.COLUMNS) - {"reporter_key"}) | {"lat", "lon", "reporter"},
    "sites": set(sites.COLUMNS) | {"lat", "lon"},
    "presence": set(presence.COLUMNS) | {"lat", "lon"},
    "patrols": set(patrols.COLUMNS) | {"geometry"},
    "patrol_points": {"patrol_id", "seq", "time", "lat", "lon"},
    # Participants are counts; a column naming people is dropped by identity protection.
    "engagements": set(engagement_log.COLUMNS) | {"lat", "lon", "occurred_at", "reported_at"},
}


_ENGLISH = Translator("en")


@dataclass
class ImportReport:
    """What happened to one file (or one patrols + route-points group)."""

    source: str
    status: str  # "imported", "refused" or "checked" (validate only)
    reason: str = ""
    by_layer: dict[str, dict[str, int]] = field(default_factory=dict)
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine)
    notes: list[str] = field(default_factory=list)
    import_id: int | None = None
    #: Identities removed from free text (``phone``, ``e-mail``, ``handle`` -> count).
    scrubbed: Counter = field(default_factory=Counter)
    #: Every column found and what became of it (:class:`ewarning.io.mapping.Column`, action filled in).
    columns: list = field(default_factory=list)

    @property
    def n_read(self) -> int:
        return sum(v["read"] for v in self.by_layer.values())

    @property
    def n_stored(self) -> int:
        return sum(v["stored"] for v in self.by_layer.values())

    @property
    def n_quarantined(self) -> int:
        return sum(v["quarantined"] for v in self.by_layer.values())

    @property
    def n_linked(self) -> int:
        return sum(v.get("linked", 0) for v in self.by_layer.values())

    def summary(self, t=None) -> str:
        """One line of counts (in ``t``'s language when given), then a line saying what each column found was
        read as (English: it quotes the command line's ``--map``)."""
        return self.headline(t) + self._columns_line()

    def headline(self, t=None) -> str:
        """The line of counts: what was read, stored, quarantined and linked, per layer."""
        t = t or _ENGLISH
        reason = said_in(self.reason, t)
        if self.status == "refused":
            return t("{source}: REFUSED, nothing stored: {reason}", source=self.source, reason=reason)
        if self.status == "unchanged":
            return t("{source}: already imported, nothing stored again: {reason}", source=self.source,
                     reason=reason)
        parts = []
        for layer, c in self.by_layer.items():
            fields = dict(layer=t.term(vocab.LAYERS, layer), read=t.number(c["read"]),
                          stored=t.number(c["stored"]), quarantined=t.number(c["quarantined"]))
            parts.append(t("{layer}: {read} read, {stored} stored, {quarantined} quarantined", **fields)
                         if self.status == "imported" else
                         t("{layer}: {read} read, {stored} valid, {quarantined} quarantined", **fields))
            if c.get("linked"):
                parts[-1] += t(", {linked} linked as duplicates", linked=t.number(c["linked"]))
        if self.scrubbed:
            parts.append(t("{what} removed from report text", what=identities.count_words(self.scrubbed, t)))
        joiner = "\u00a0; " if t.locale == "fr" else "; "
        return f"{self.source}: " + joiner.join(parts)

    def _columns_line(self) -> str:
        """``\n  columns: 'Report ID' read as id (its name); ...``: every column found, none left unsaid."""
        if not self.columns:
            return ""
        if self.status == "refused":
            return ("\n  columns found: " + mapping.describe_found(self.columns)
                    + "; --map 'COLUMN=category' reads a column as the category (alerts)")
        layers = list(dict.fromkeys(c.layer for c in self.columns))
        lines = []
        for layer in layers:
            cols = [c for c in self.columns if c.layer == layer]
            same = [c for c in cols if c.action == "read" and c.header == c.target]
            groups = {c.why: [d.label for d in same if d.why == c.why] for c in same}
            parts = [f"read {why or 'as named'}: {', '.join(names)}" for why, names in groups.items()]
            parts += [c.describe() for c in cols if not (c.action == "read" and c.header == c.target)]
            hint = any(c.action == "not read" for c in cols)
            lines.append(f"  {layer + ' ' if len(layers) > 1 and layer else ''}columns: " + "; ".join(parts)
                         + (" (--map 'COLUMN=TARGET' reads a column as another)" if hint else ""))
        return "\n" + "\n".join(lines)


def import_files(store, paths, layer: str | None = None, format: str | None = None,
                 encoding: str | None = None, secret: bytes | None = None, now: pd.Timestamp | None = None,
                 dry_run: bool = False, user: str | None = None,
                 progress: Callable[[str], None] | None = None, mapping: dict[str, str] | None = None,
                 mapping_label: str = "your mapping",
                 file_mappings: dict[str, dict[str, str]] | None = None) -> list[ImportReport]:
    """Import ``paths`` into ``store``; one report per file.

    With ``dry_run`` (the ``validate`` command) every check runs, including
    duplicates against the store, and nothing is written. ``progress`` is
    called with a short message at each stage of each file (large files take
    seconds; users should see that something is happening).

    ``user`` is who imports, recorded in the import log: required unless
    ``dry_run`` (:class:`ValueError` before any file is read). The caller
    resolves it (the command line once, a page from the session).

    Column mapping (:mod:`ewarning.io.mapping`): ``mapping`` (``{header:
    target}``, ``ignore`` leaves a column out) applies to every file, or
    ``file_mappings`` gives one per file (keyed by ``str(path)``); named
    ``mapping_label`` in the report ("--map"). They override the mapping
    saved for the file's source (:func:`ewarning.io.mapping.source_key`),
    which overrides what the columns' names and values propose. After an
    import with a mapping, it is saved for the next files of that source.
    Each report lists every column found and what became of it.
    """
    if not dry_run:
        user = acting_user(user, "an import", permission="import")
    say = progress or (lambda message: None)
    secret = load_secret(secret_file()) if secret is None else secret
    now = now or pd.Timestamp.now(tz="UTC")
    bbox = _bbox(store)
    reports: list[ImportReport] = []
    patrol_group: list[tuple[Path, RawTable]] = []
    imported = _imported_files(store)
    digests: dict[Path, str | None] = {}  # each file hashed once: for the re-import check and the log
    for path in map(Path, paths):
        started = pd.Timestamp.now(tz="UTC")
        say(f"{path.name}: reading")
        # Each file on its own: whatever one file does, the others are still imported and reported.
        try:
            digest = digests[path] = _sha256(path) if path.is_file() else None
            earlier = imported.get(digest)
            if earlier and not dry_run:
                reports.append(ImportReport(path.name, "unchanged", reason=earlier))
                continue
            plan = _mapping_for(store, path, (file_mappings or {}).get(str(path), mapping), mapping_label)
            tables = read(path, layer=layer or _marked_layer(path, format, plan), format=format, encoding=encoding)
            tables = [_remap(t, plan) for t in tables]
            if any(t.layer in ("patrols", "patrol_points") for t in tables) and not _self_contained(tables):
                patrol_group.extend((path, t) for t in tables)
                continue
            report = _import_racing(store, path.name, digest, lambda: _import_tables(
                store, [path], tables, bbox, secret, now, dry_run, user, started, say, digests))
            if report.status == "unchanged":   # another analyst's import stored this file meanwhile
                reports.append(report)
                continue
            _mapping_done(store, path, plan, report)
            if earlier:
                report.notes.append(Said(Phrase(N_("this file was already imported ({earlier})"),
                                                earlier=phrase_of(earlier))))
            elif digest and report.import_id is not None:  # the same file twice in one batch
                imported[digest] = Said(Phrase(N_("import #{id}, a moment ago in this batch"),
                                               id=Raw(str(report.import_id))))
            reports.append(report)
        except (ReadError, StoreError) as exc:
            # A reader's words may quote the file's content: no phone number or e-mail in them.
            reports.append(ImportReport(path.name, "refused", reason=identities.scrub_text(str(exc))[0],
                                        columns=list(getattr(exc, "columns", None) or [])))
        except Exception as exc:  # noqa: BLE001 - a bug must cost one file, never the batch or a secret
            reports.append(_failed(path.name, exc))
    if patrol_group:
        files = list(dict.fromkeys(p for p, _ in patrol_group))
        try:
            group = [t for _, t in patrol_group]
            reports.append(_import_racing(store, " + ".join(p.name for p in files), digests.get(files[0]),
                                          lambda: _import_tables(store, files, group, bbox, secret, now, dry_run,
                                                                 user, pd.Timestamp.now(tz="UTC"), say, digests)))
        except StoreError as exc:
            reports.append(ImportReport(" + ".join(p.name for p in files), "refused", reason=str(exc)))
        except Exception as exc:  # noqa: BLE001
            reports.append(_failed(" + ".join(p.name for p in files), exc))
    return reports


#: How many times a file is checked again after another import stored it, or some of its keys, meanwhile.
_RACE_ATTEMPTS = 3


def _import_racing(store, name: str, digest: str | None, attempt: Callable[[], "ImportReport"]) -> "ImportReport":
    """Run one file's import; when another import won the race (:class:`ImportRaced`), check the file again.

    The store refused the write whole, so nothing of this file is stored: if the same file was stored
    meanwhile it is "unchanged", else the next check refuses the rows now stored, one by one, and keeps
    the rest.
    """
    for tries in range(1, _RACE_ATTEMPTS + 1):
        try:
            return attempt()
        except ImportRaced:
            earlier = _imported_files(store).get(digest) if digest else None
            if earlier:
                return ImportReport(name, "unchanged", reason=earlier)
            if tries == _RACE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@dataclass
class _Plan:
    """The user's and the saved column mapping of one file."""

    key: str | None                                           # store setting of the file's source
    user: dict[str, str] = field(default_factory=dict)        # given now (--map, the Data page)
    saved: dict[str, str] = field(default_factory=dict)       # saved from an earlier import of the source
    saved_from: int | None = None                             # that import's id
    label: str = "your mapping"

    @property
    def saved_label(self) -> str:
        return f"mapping saved from import #{self.saved_from}"

    @property
    def overrides(self) -> dict[str, str]:
        return {**self.saved, **self.user}

    @property
    def labels(self) -> dict[str, str]:
        return {**{h: self.saved_label for h in self.saved}, **{h: self.label for h in self.user}}


def _mapping_for(store, path: Path, given: dict[str, str] | None, label: str) -> _Plan:
    """The mapping to apply to ``path``: the user's choices over the one saved for its source."""
    plan = _Plan(mapping.source_key(path.name), dict(given or {}), label=label)
    text = store.get_setting(plan.key) if plan.key else None
    if text:
        try:
            saved = json.loads(text)
            mine = {mapping.fold(h) for h in plan.user}
            plan.saved = {str(h): str(t) for h, t in dict(saved["columns"]).items()
                          if mapping.fold(h) not in mine and str(t) in mapping.targets()}
            plan.saved_from = int(saved["import_id"])
        except (ValueError, KeyError, TypeError):
            plan.saved = {}  # a damaged setting is no mapping; the names and values still propose one
    return plan


def _marked_layer(path: Path, format: str | None, plan: _Plan) -> str | None:
    """The layer a mapping makes a canonical CSV (a column mapped to ``category``: alerts), so it is read as such."""
    from .io import detect_format

    marked = mapping.layer_of(plan.overrides) if plan.overrides else None
    return marked if marked and (format or detect_format(path)) == "own" else None


#: The notes :func:`ewarning.io.mapping.map_columns` writes about colliding names (written again on a remap).
_COLLISION_NOTE = re.compile(r"^column '.*' not read as '.*': column '.*' already is \(kept as '.*'\)$", re.S)


def _remap(table: RawTable, plan: _Plan) -> RawTable:
    """``table`` mapped again from its original headers with the user's and the saved mapping."""
    if not plan.overrides:
        return table
    if not table.columns:
        if plan.user:
            table.notes.append(Said(Phrase(N_("mapping: not applied to this {format} table (the format fixes its "
                                              "columns)"), format=Raw(str(table.format)))))
        return table
    from .io.own import canonical_columns

    back = {c.name: c.header for c in table.columns if c.name}
    frame = table.frame.copy(deep=False)
    frame.columns = [back.get(str(c), str(c)) for c in frame.columns]
    notes = [n for n in table.notes if not _COLLISION_NOTE.match(n)]
    frame = canonical_columns(frame, notes, plan.overrides, plan.labels)
    quiet = {f"mapping: no column '{h}' in this file" for h in plan.saved}
    notes = [identities.scrub_text(n)[0] for n in notes if n not in quiet]
    remapped = RawTable(table.layer, frame, table.source, table.format, notes, table.rejected)
    if plan.saved and any(c.why == plan.saved_label for c in remapped.columns):
        remapped.notes.append(f"{plan.saved_label} used")
    return remapped


def _mapping_done(store, path: Path, plan: _Plan, report: ImportReport) -> None:
    """Say that a saved mapping was used; after an import with the user's mapping, save it for the source."""
    if not plan.user or report.import_id is None:
        return
    if plan.key is None:
        report.notes.append(Said(Phrase(N_("mapping: not saved, the file's name is only a date or a number (no "
                                           "source to save it under)"))))
        return
    chosen = {c.header: mapping.IGNORE if c.action == "ignored" else c.target for c in report.columns
              if c.why in (plan.label, plan.saved_label) and (c.target or c.action == "ignored")}
    # Headers are kept only when they quote no identity (a phone number typed as a header is no mapping).
    chosen = {h: t for h, t in {**plan.saved, **chosen}.items() if identities.scrub_text(h)[0] == h}
    store.set_setting(plan.key, json.dumps({"columns": chosen, "import_id": report.import_id,
                                            "source": identities.scrub_text(path.name)[0]}, ensure_ascii=False))
    report.notes.append(Said(Phrase(N_("mapping saved for the files of this source (import #{id})"),
                                    id=Raw(str(report.import_id)))))


def preview_mapping(store, path, layer: str | None = None, format: str | None = None,
                    encoding: str | None = None, secret: bytes | None = None) -> ImportReport:
    """What importing ``path`` would do, column by column (the Data page's mapping step); nothing is written.

    The report of a dry run (:func:`import_files`, the saved mapping of the
    file's source applied); for a file refused because no column says which
    layer it is, its columns are still listed, each as read or not read.
    """
    [report] = import_files(store, [path], layer=layer, format=format, encoding=encoding, secret=secret,
                            dry_run=True)
    if report.status == "refused":
        for c in report.columns:
            read_as = c.target and not c.why.startswith("not ")
            c.action, c.target = ("read", c.target) if read_as else ("not read", None)
    return report


def _failed(source: str, exc: Exception) -> ImportReport:
    """A refusal for an unexpected error: type and where, never the values that caused it."""
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" in {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return ImportReport(source, "refused", reason=Said(Phrase(
        N_("the file could not be imported ({error}); nothing of it was stored. Please report this file to the "
           "administrator."), error=Raw(f"{type(exc).__name__}{where}"))))


def _imported_files(store) -> dict[str, str]:
    """SHA-256 of every file already imported into the store -> 'import #N on DATE by USER'."""
    log = store.read("imports")
    out: dict[str, str] = {}
    for row in log.itertuples():
        for digest in str(row.sha256 or "").split(","):
            if digest:
                out.setdefault(digest, Said(Phrase(N_("import #{id} on {when} UTC by {user}"), id=Raw(str(row.fid)),
                                                   when=Raw(f"{row.finished_at:%Y-%m-%d %H:%M}"),
                                                   user=str(row.user))))
    return out


def _self_contained(tables: list[RawTable]) -> bool:
    """Patrols that carry their own routes (lines, tracks) need no partner file."""
    layers = {t.layer for t in tables}
    if "patrol_points" in layers and "patrols" in layers:
        return True
    return all(t.layer != "patrol_points" and "geometry" in t.frame.columns for t in tables
               if t.layer in ("patrols", "patrol_points"))


def _import_tables(store, paths: list[Path], tables: list[RawTable], bbox, secret: bytes, now: pd.Timestamp,
                   dry_run: bool, user: str | None, started: pd.Timestamp,
                   say: Callable[[str], None], digests: dict[Path, str | None]) -> ImportReport:
    source = " + ".join(p.name for p in paths)
    say(f"{source}: checking {sum(t.n_read for t in tables):,} rows")
    report = ImportReport(source, "checked" if dry_run else "imported")
    if bbox is None:
        report.notes.append(NO_AREA_NOTE)
    locale = store.get_setting(MISSION_LOCALE_SETTING)  # settles '18.000' when a file leaves it ambiguous
    valid: dict[str, list[gpd.GeoDataFrame]] = {}
    quarantined: list[pd.DataFrame] = []
    points = [t for t in tables if t.layer == "patrol_points"]
    routes = None
    points = [_protect(t, secret, report) for t in points]
    taken: dict[str, set[str]] = {}
    for table in points:
        checked = patrols.validate_points(table, now=now, bbox=bbox, locale=locale)
        table_routes = patrols.routes_from_points(checked.valid)
        used, q = patrols.unplaced_points(checked, table_routes)
        q = pd.concat([q, _rejected(table)], ignore_index=True)
        _count(report, "patrol_points", table.n_read, len(used), len(q))
        quarantined.append(q)
        report.notes.extend(checked.notes)
        routes = table_routes if routes is None else pd.concat([routes, table_routes], ignore_index=True)
    if points and not any(t.layer == "patrols" for t in tables):
        tables = tables + [RawTable("patrols", pd.DataFrame(), source, "own")]
    for table in tables:
        if table.layer == "patrol_points":
            continue
        table = _protect(table, secret, report)
        # Keys already stored, and those of this file's earlier tables of the layer (two sheets, two layers).
        existing = store.existing_keys(table.layer) | taken.setdefault(table.layer, set())
        extra = {"routes": routes} if table.layer == "patrols" else {}
        checked: Validated = VALIDATORS[table.layer](table, now=now, bbox=bbox, existing_ids=existing,
                                                     secret=secret, locale=locale, **extra)
        rejected = _rejected(table)
        q = pd.concat([checked.quarantine, rejected], ignore_index=True) if len(rejected) else checked.quarantine
        report.notes.extend(checked.notes)
        frame = checked.valid
        taken[table.layer] |= _natural_keys(table.layer, frame)
        _count(report, table.layer, checked.n_read + len(rejected), len(frame), len(q))
        quarantined.append(q)
        valid.setdefault(table.layer, []).append(frame)
    layers = {name: pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
              for name, frames in valid.items()}
    if "alerts" in layers and len(layers["alerts"]):
        layers["alerts"] = _link_duplicates(store, layers["alerts"])
        report.by_layer["alerts"]["linked"] = int(layers["alerts"]["duplicate_of"].notna().sum())
    report.quarantine = _scrub_quarantine(pd.concat(quarantined, ignore_index=True) if quarantined
                                          else empty_quarantine())
    if dry_run:
        return report
    say(f"{source}: writing {report.n_stored:,} rows and {report.n_quarantined:,} quarantined to the store")
    log = {"started_at": started, "finished_at": pd.Timestamp.now(tz="UTC"), "user": user,
           "source": source, "sha256": ",".join(digests.get(p) or _sha256(p) for p in paths), "format": ",".join(
               sorted({t.format for t in tables})), "layers": ",".join(report.by_layer), "n_read": report.n_read,
           "n_stored": report.n_stored, "n_quarantined": report.n_quarantined, "n_linked": report.n_linked,
           "notes": json.dumps(report.notes, ensure_ascii=False)}
    report.import_id = store.write_import(layers, report.quarantine, log)
    return report


def _protect(table: RawTable, secret: bytes, report: ImportReport) -> RawTable:
    """The table with every identity pseudonymised or dropped, before any check or write."""
    frame, done = identities.protect(table.frame, OWN_COLUMNS[table.layer], secret,
                                     keep_reporter=table.layer == "alerts")
    report.notes.extend(n for n in done.notes() if n not in report.notes)
    report.columns.extend(_column_actions(table, done, set(map(str, frame.columns))))
    report.scrubbed.update(done.scrubbed)
    rejected = table.rejected
    if len(rejected):
        rejected = rejected.assign(raw=identities.scrub_lines(rejected["raw"]))
    return RawTable(table.layer, frame, table.source, table.format, list(table.notes), rejected)


def _column_actions(table: RawTable, done: identities.Protection, kept: set[str]) -> list:
    """What became of each column found in ``table``: read, the reporter key, dropped, ignored or not read."""
    own = OWN_COLUMNS[table.layer]
    # A reader of a fixed format (ACLED, UCDP, KoBo, HXL, tracks) maps its columns itself: they are named as read.
    found = table.columns or [mapping.Column(str(c), str(c), str(c) if str(c) in own else None,
                                             why=f"by the {table.format} format")
                              for c in table.frame.columns if str(c) != "geometry"]
    out = []
    for c in found:
        c = dataclasses.replace(c, layer=table.layer)
        if c.action == "ignored":
            c.target = None
        elif done.reporter_from is not None and c.name == done.reporter_from:
            c.action, c.target = "reporter", "reporter"
        elif c.name not in kept:  # identity protection took it out
            c.action, c.target = "dropped", None
            c.why = f"identifies people ({done.dropped.get(c.name, 'its name')})"
        elif c.name in own and c.name != "reporter":
            c.action, c.target = "read", c.name
        else:
            c.action, c.target = "not read", None
            c.why = c.why if c.why.startswith("not ") else f"no {table.layer} column of that name"
        out.append(c)
    return out


def _scrub_quarantine(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Last line of defence: no phone number, e-mail or handle in a reason or a raw value.

    Reasons quote the value they refuse ("lat: '+236 70 ...' is not a number"),
    so a number typed in the wrong column would otherwise be kept in clear.
    """
    if quarantine.empty:
        return quarantine
    return quarantine.assign(reason=identities.scrub_lines(quarantine["reason"]),
                             raw=identities.scrub_lines(quarantine["raw"]))


def _natural_keys(layer: str, frame: pd.DataFrame) -> set[str]:
    """Keys of valid rows, spelt as :meth:`Store.existing_keys` spells them (dates as ``YYYY-MM-DD``)."""
    from .store import LAYER_SCHEMAS

    schema = LAYER_SCHEMAS[layer]
    if frame.empty:
        return set()
    parts = []
    for name in schema.key:
        col = frame[name]
        if schema.columns[name] == "datetime":
            col = pd.to_datetime(col, utc=True).dt.strftime("%Y-%m-%d")
        parts.append(col.astype(str))
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "|" + part
    return set(joined)


def _count(report: ImportReport, layer: str, n_read: int, stored: int, quarantined: int) -> None:
    c = report.by_layer.setdefault(layer, {"read": 0, "stored": 0, "quarantined": 0})
    c["read"] += n_read
    c["stored"] += stored
    c["quarantined"] += quarantined


def _rejected(table: RawTable) -> pd.DataFrame:
    """Rows the reader itself could not interpret, as quarantine records."""
    if table.rejected.empty:
        return empty_quarantine()
    raw = pd.DataFrame({"line": table.rejected["raw"]}, index=table.rejected.index)
    return quarantine_rows(table.layer, table.source, raw, table.rejected["reason"])


def _link_duplicates(store, new: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Link new alerts to earlier reports of the same incident, in the file or the store."""
    when = new["occurred_at"].fillna(new["reported_at"])
    margin = pd.Timedelta(hours=alerts.DUPLICATE_HOURS)
    stored = store.alerts_between(when.min() - margin, when.max() + margin)
    stored = stored[stored["duplicate_of"].isna()] if len(stored) else stored
    both = pd.concat([stored[alerts.COLUMNS + ["geometry"]], new[alerts.COLUMNS + ["geometry"]]],
                     ignore_index=True) if len(stored) else new[alerts.COLUMNS + ["geometry"]]
    both = gpd.GeoDataFrame(both, geometry="geometry", crs="EPSG:4326")
    links = alerts.link_near_duplicates(both).to_numpy()[len(stored):]
    new = new.copy()
    new["duplicate_of"] = new["duplicate_of"].where(new["duplicate_of"].notna(), pd.Series(links, index=new.index))
    return new


def _bbox(store) -> tuple[float, float, float, float] | None:
    text = store.get_setting("mission_bbox")
    return tuple(json.loads(text)) if text else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

"""Data commands: ``import``, ``validate``, ``export``, ``status``, ``demo``.

``export --layer quarantine`` gives the quarantined rows back to fix: each
row's original columns, one each, with its reasons beside them
(:func:`ewarning.io.writers.quarantine_tables`), one table per layer; the
same file, fixed, imports.

Who is acting (for the import and audit logs) is resolved here, once, at the
edge (:func:`ewarning.config.current_user`: ``$EWARNING_USER`` or the login
name) and passed down; the store, triage and the import pipeline never read it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from ..config import GEODATA, current_user, default_store
from ..i18n import N_, Translator
from ..i18n.phrases import said_in
from ..io import FORMATS, LAYERS
from ..io.writers import EXPORT_FORMATS, export, export_quarantine
from ..store import TABLES, open_store
from .errors import EXIT_OK, EXIT_REFUSED, InputError, translator

_SHOW_REASONS = 20
#: The layers ``status`` counts, as it names them (the codes stay the layers' names elsewhere).
LAYER_WORDS = {"alerts": N_("alerts"), "sites": N_("sites"), "presence": N_("presence"), "patrols": N_("patrols"),
               "quarantine": N_("quarantine")}
#: What a store holds, one piece each (``demo`` refuses to replace it).
HELD = {"alerts": N_("{n} alerts"), "sites": N_("{n} sites"), "presence": N_("{n} presence"),
        "patrols": N_("{n} patrols"), "imports": N_("{n} import(s)"), "alert_edits": N_("{n} triage edit(s)"),
        "audit": N_("{n} audit entries"), "users": N_("{n} account(s)")}


def add_commands(sub, store_help: str, t: Translator | None = None) -> None:
    """Register the data commands on ``sub`` (an argparse sub-parser object), their help in ``t``'s language."""
    t = t or Translator("en")
    p = sub.add_parser("import", help=t("import files into the store (stored + quarantined counts)"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--store", help=store_help)
    _read_options(p, t)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("validate", help=t("run the import checks and report; nothing is written"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--store", help=t("{store_help}; used to spot ids already stored", store_help=store_help))
    _read_options(p, t)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help=t("export a layer (or the quarantine / import log)"))
    p.add_argument("--layer", required=True, choices=list(TABLES))
    p.add_argument("--store", help=store_help)
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--include-reporter-key", action="store_true",
                   help=t("keep the pseudonymous reporter key (left out by default)"))
    p.add_argument("--include-text", action="store_true",
                   help=t("keep the reports' free text (left out by default: it may name people)"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("status", help=t("what the store holds: rows per layer, quarantine, last imports"))
    p.add_argument("--store", help=store_help)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo", help=t("write the demo scenario into a store"))
    p.add_argument("--store", help=store_help)
    p.add_argument("--force", action="store_true", help=t("replace a store that already holds data"))
    p.set_defaults(func=cmd_demo)


def _read_options(p: argparse.ArgumentParser, t: Translator) -> None:
    p.add_argument("--layer", choices=[name for name in LAYERS if name != "patrol_points"],
                   help=t("force the layer (default: detected)"))
    p.add_argument("--format", choices=list(FORMATS), help=t("force the format (default: detected by content)"))
    p.add_argument("--encoding", help=t("text encoding when the file is not UTF-8 (e.g. cp1252)"))
    p.add_argument("--map", action="append", default=[], metavar="'COLUMN=TARGET'",
                   help=t("read a column as a canonical one, e.g. --map 'Date of incident=occurred_at' (repeatable; "
                          "TARGET 'ignore' leaves it out); overrides the proposal and the mapping saved for the "
                          "file's source, and is saved for the next files of that source"))


def cmd_import(args) -> int:
    return _run_import(args, dry_run=False)


def cmd_validate(args) -> int:
    return _run_import(args, dry_run=True)


def _run_import(args, dry_run: bool) -> int:
    from ..importing import NO_AREA_NOTE, import_files
    from ..io.mapping import parse_overrides

    overrides = parse_overrides(args.map, args.layer)  # a wrong target is refused before anything is read
    store = open_store(args.store)
    reports = import_files(store, args.paths, layer=args.layer, format=args.format, encoding=args.encoding,
                           dry_run=dry_run, user=None if dry_run else current_user(), progress=_progress,
                           mapping=overrides, mapping_label="--map")
    refused, t = False, translator()
    for report in reports:
        print(report.summary(t))
        for note in dict.fromkeys(report.notes):
            print("  " + t("note: {note}", note=said_in(note, t)))
            if note == NO_AREA_NOTE:
                print("  " + t("(set it with: python -m ewarning mission set --country)"))
        refused |= report.status == "refused"
        q = report.quarantine
        for _, row in q.head(_SHOW_REASONS).iterrows():
            print("  " + t("{source} row {row} ({layer}): {reason}", source=row["source"], row=row["source_row"],
                           layer=row["layer"], reason=row["reason"]))
        if len(q) > _SHOW_REASONS:
            more = t.number(len(q) - _SHOW_REASONS)
            print("  " + (t("... and {n} more quarantined rows (in the store: python -m ewarning export --layer "
                            "quarantine)", n=more) if not dry_run else
                          t("... and {n} more quarantined rows (after import)", n=more)))
    if not dry_run:
        print(t("store: {location}", location=store.location))
    return EXIT_REFUSED if refused else EXIT_OK


def _progress(message: str) -> None:
    """Stages of a long import, on stderr so stdout stays the report."""
    print(f"... {message}", file=sys.stderr, flush=True)


#: Tables only a supervisor may read (the audit log names who looked at what): exported by `audit export`.
SUPERVISED = ("audit",)


def cmd_export(args) -> int:
    t = translator()
    if args.layer in SUPERVISED:
        raise InputError(t("the {layer} log is a supervisor's: export it with python -m ewarning audit export "
                           "--as SUPERVISOR --out PATH", layer=args.layer))
    store = open_store(args.store)
    frame = store.read(args.layer)
    if args.layer == "quarantine":
        # Given back to fix and re-import: each row's original columns and its reasons, one table per layer.
        written = export_quarantine(frame, args.format, args.out, include_reporter_key=args.include_reporter_key,
                                    include_text=args.include_text)
        n = sum(rows for _, _, rows in written)
        paths = list(dict.fromkeys(str(path) for _, path, _ in written))
    else:
        n = export(frame, args.format, args.out, include_reporter_key=args.include_reporter_key,
                   layer_name=args.layer, include_text=args.include_text)
        paths = [str(args.out)]
    store.record("export", json.dumps({"layer": args.layer, "format": args.format, "rows": n,
                                       "out": paths[0] if len(paths) == 1 else paths,
                                       "reporter_key": bool(args.include_reporter_key),
                                       "free_text": bool(args.include_text)}), user=current_user())
    left_out = {(False, False): t("reporter keys and free text"), (False, True): t("reporter keys"),
                (True, False): t("free text")}.get((bool(args.include_reporter_key), bool(args.include_text)))
    fields = {"n": t.number(n), "layer": args.layer, "paths": ", ".join(paths)}
    print(t("{n} {layer} rows written to {paths} ({left_out} left out)", left_out=left_out, **fields) if left_out
          else t("{n} {layer} rows written to {paths}", **fields))
    if args.layer == "quarantine" and n:
        print("  " + t("fix the values in place and import the file(s) again: python -m ewarning import {paths}",
                       paths=" ".join(paths)))
    return EXIT_OK


def cmd_status(args) -> int:
    t = translator()
    store = open_store(args.store)
    counts = store.counts()
    print(t("store: {location}", location=store.location))
    labels = {layer: t(word) for layer, word in LAYER_WORDS.items()}
    width = max(11, 1 + max(len(label) for label in labels.values()))
    for layer, label in labels.items():
        print(f"  {label:<{width}}{t.number(counts[layer]):>9}")
    imports = store.read("imports").tail(5)
    if len(imports):
        print(t("last imports:"))
        for _, row in imports.iterrows():
            print("  " + t("{when} {user}: {source} ({stored} stored, {quarantined} quarantined)",
                           when=f"{row['finished_at']:%Y-%m-%d %H:%M}", user=row["user"], source=row["source"],
                           stored=t.number(row["n_stored"]), quarantined=t.number(row["n_quarantined"])))
    return EXIT_OK


def _what_a_store_holds(store, t: Translator | None = None) -> list[str]:
    """What a user put in ``store``: layer rows, imports, triage edits, audit entries, accounts (empty: nothing)."""
    t = t or translator()
    counts = store.counts()
    held = [t(HELD[layer], n=t.number(counts[layer])) for layer in ("alerts", "sites", "presence", "patrols")
            if counts[layer]]
    for table in ("imports", "alert_edits", "audit"):
        n = len(store.read(table))
        if n:
            held.append(t(HELD[table], n=t.number(n)))
    users = store.list_users() if hasattr(store, "list_users") else []
    if len(users):
        held.append(t(HELD["users"], n=t.number(len(users))))
    return held


def cmd_demo(args) -> int:
    from ..demo import load_demo

    t = translator()
    location = str(args.store or default_store())
    if "://" in location:   # a server store is never replaced: the demo goes into an empty database only
        store = open_store(location)
        held = _what_a_store_holds(store, t)
        if held:
            print(t("{location} already holds {held}; the demo is loaded only into an empty database (create one: "
                    "see README, Operations)", location=store.location, held=", ".join(held)), file=sys.stderr)
            return EXIT_REFUSED
        reports = load_demo(store, user=current_user())
        for report in reports:
            print(report.summary(t))
        print(t("demo scenario written to {location} (synthetic data; see {readme})", location=store.location,
                readme=GEODATA / "README.md"))
        return EXIT_REFUSED if any(r.status == "refused" for r in reports) else EXIT_OK
    path = Path(location)
    if path.exists():
        held = _what_a_store_holds(open_store(path), t)
        if held and not args.force:
            print(t("{location} already holds {held}; use --force to replace it with the demo (the old store is "
                    "kept beside it)", location=path, held=", ".join(held)), file=sys.stderr)
            return EXIT_REFUSED
        if held:
            # Nothing a user did is ever wiped: the old store (its audit log, accounts and triage history
            # included) is moved aside, never deleted.
            kept = path.with_name(f"{path.stem}.replaced-{pd.Timestamp.now(tz='UTC'):%Y%m%dT%H%M%S}{path.suffix}")
            path.rename(kept)
            print(t("the store that was at {path} is kept as {kept}", path=path, kept=kept), file=sys.stderr)
        else:
            path.unlink()
    reports = load_demo(open_store(path), user=current_user())
    for report in reports:
        print(report.summary(t))
    print(t("demo scenario written to {location} (synthetic data; see {readme})", location=path,
            readme=GEODATA / "README.md"))
    return EXIT_REFUSED if any(r.status == "refused" for r in reports) else EXIT_OK

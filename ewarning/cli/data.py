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
from ..io import FORMATS, LAYERS
from ..io.writers import EXPORT_FORMATS, export, export_quarantine
from ..store import TABLES, open_store
from .errors import EXIT_OK, EXIT_REFUSED, InputError

_SHOW_REASONS = 20


def add_commands(sub, store_help: str) -> None:
    """Register the data commands on ``sub`` (an argparse sub-parser object)."""
    p = sub.add_parser("import", help="import files into the store (stored + quarantined counts)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--store", help=store_help)
    _read_options(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("validate", help="run the import checks and report; nothing is written")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--store", help=store_help + "; used to spot ids already stored")
    _read_options(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="export a layer (or the quarantine / import log)")
    p.add_argument("--layer", required=True, choices=list(TABLES))
    p.add_argument("--store", help=store_help)
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--include-reporter-key", action="store_true",
                   help="keep the pseudonymous reporter key (left out by default)")
    p.add_argument("--include-text", action="store_true",
                   help="keep the reports' free text (left out by default: it may name people)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("status", help="what the store holds: rows per layer, quarantine, last imports")
    p.add_argument("--store", help=store_help)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo", help="write the demo scenario into a store")
    p.add_argument("--store", help=store_help)
    p.add_argument("--force", action="store_true", help="replace a store that already holds data")
    p.set_defaults(func=cmd_demo)


def _read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--layer", choices=[name for name in LAYERS if name != "patrol_points"],
                   help="force the layer (default: detected)")
    p.add_argument("--format", choices=list(FORMATS), help="force the format (default: detected by content)")
    p.add_argument("--encoding", help="text encoding when the file is not UTF-8 (e.g. cp1252)")
    p.add_argument("--map", action="append", default=[], metavar="'COLUMN=TARGET'",
                   help="read a column as a canonical one, e.g. --map 'Date of incident=occurred_at' (repeatable; "
                        "TARGET 'ignore' leaves it out); overrides the proposal and the mapping saved for the "
                        "file's source, and is saved for the next files of that source")


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
    refused = False
    for report in reports:
        print(report.summary())
        for note in dict.fromkeys(report.notes):
            print(f"  note: {note}")
            if note == NO_AREA_NOTE:
                print("  (set it with: python -m ewarning mission set --country)")
        refused |= report.status == "refused"
        q = report.quarantine
        for _, row in q.head(_SHOW_REASONS).iterrows():
            print(f"  {row['source']} row {row['source_row']} ({row['layer']}): {row['reason']}")
        if len(q) > _SHOW_REASONS:
            more = "in the store: python -m ewarning export --layer quarantine" if not dry_run else "after import"
            print(f"  ... and {len(q) - _SHOW_REASONS} more quarantined rows ({more})")
    if not dry_run:
        print(f"store: {store.location}")
    return EXIT_REFUSED if refused else EXIT_OK


def _progress(message: str) -> None:
    """Stages of a long import, on stderr so stdout stays the report."""
    print(f"... {message}", file=sys.stderr, flush=True)


#: Tables only a supervisor may read (the audit log names who looked at what): exported by `audit export`.
SUPERVISED = ("audit",)


def cmd_export(args) -> int:
    if args.layer in SUPERVISED:
        raise InputError(f"the {args.layer} log is a supervisor's: export it with python -m ewarning audit export "
                         "--as SUPERVISOR --out PATH")
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
    left_out = [what for what, kept in (("reporter keys", args.include_reporter_key),
                                        ("free text", args.include_text)) if not kept]
    print(f"{n} {args.layer} rows written to {', '.join(paths)}"
          + (f" ({' and '.join(left_out)} left out)" if left_out else ""))
    if args.layer == "quarantine" and n:
        print("  fix the values in place and import the file(s) again: python -m ewarning import "
              + " ".join(paths))
    return EXIT_OK


def cmd_status(args) -> int:
    store = open_store(args.store)
    counts = store.counts()
    print(f"store: {store.location}")
    for layer in ("alerts", "sites", "presence", "patrols", "quarantine"):
        print(f"  {layer:<11}{counts[layer]:>9,}")
    imports = store.read("imports").tail(5)
    if len(imports):
        print("last imports:")
        for _, row in imports.iterrows():
            print(f"  {row['finished_at']:%Y-%m-%d %H:%M} {row['user']}: {row['source']} "
                  f"({row['n_stored']:,} stored, {row['n_quarantined']:,} quarantined)")
    return EXIT_OK


def _what_a_store_holds(store) -> list[str]:
    """What a user put in ``store``: layer rows, imports, triage edits, audit entries, accounts (empty: nothing)."""
    counts = store.counts()
    held = [f"{counts[layer]:,} {layer}" for layer in ("alerts", "sites", "presence", "patrols") if counts[layer]]
    for table, words in (("imports", "import(s)"), ("alert_edits", "triage edit(s)"), ("audit", "audit entries")):
        n = len(store.read(table))
        if n:
            held.append(f"{n:,} {words}")
    users = store.list_users() if hasattr(store, "list_users") else []
    if len(users):
        held.append(f"{len(users):,} account(s)")
    return held


def cmd_demo(args) -> int:
    from ..demo import load_demo

    location = str(args.store or default_store())
    if "://" in location:   # a server store is never replaced: the demo goes into an empty database only
        store = open_store(location)
        held = _what_a_store_holds(store)
        if held:
            print(f"{store.location} already holds {', '.join(held)}; the demo is loaded only into an empty "
                  "database (create one: see README, Operations)", file=sys.stderr)
            return EXIT_REFUSED
        reports = load_demo(store, user=current_user())
        for report in reports:
            print(report.summary())
        print(f"demo scenario written to {store.location} (synthetic data; see {GEODATA / 'README.md'})")
        return EXIT_REFUSED if any(r.status == "refused" for r in reports) else EXIT_OK
    path = Path(location)
    if path.exists():
        held = _what_a_store_holds(open_store(path))
        if held and not args.force:
            print(f"{path} already holds {', '.join(held)}; use --force to replace it with the demo "
                  "(the old store is kept beside it)", file=sys.stderr)
            return EXIT_REFUSED
        if held:
            # Nothing a user did is ever wiped: the old store (its audit log, accounts and triage history
            # included) is moved aside, never deleted.
            kept = path.with_name(f"{path.stem}.replaced-{pd.Timestamp.now(tz='UTC'):%Y%m%dT%H%M%S}{path.suffix}")
            path.rename(kept)
            print(f"the store that was at {path} is kept as {kept}", file=sys.stderr)
        else:
            path.unlink()
    reports = load_demo(open_store(path), user=current_user())
    for report in reports:
        print(report.summary())
    print(f"demo scenario written to {path} (synthetic data; see {GEODATA / 'README.md'})")
    return EXIT_REFUSED if any(r.status == "refused" for r in reports) else EXIT_OK

"""Keeping the French catalogue: what the code marks, what the catalogue lacks, adding translations.

The source of truth is the code: every ``t("...")`` / ``N_("...")`` literal in
:data:`~ewarning.i18n.TRANSLATED_MODULES`, found with Babel's extractor (no
code is run). ``tests/test_i18n.py`` uses :func:`marked` and :func:`missing`;
translators use the command line::

    python -m ewarning.i18n.catalogue missing            # marked strings without French, with where
    python -m ewarning.i18n.catalogue add fr.json        # {"English": "Français", ...} into the .po
    python -m ewarning.i18n.catalogue stale [--drop]     # entries no code marks any more

``add`` takes an exclusive lock on the catalogue, so several people adding at
once lose nothing; it never replaces an existing translation unless given
``--replace``.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import sys
from contextlib import contextmanager
from pathlib import Path

from . import TRANSLATED_MODULES, catalogue_path

ROOT = Path(__file__).resolve().parents[2]
#: The call names whose first literal argument is a message.
KEYWORDS = {"t": None, "N_": None}

__all__ = ["KEYWORDS", "add", "marked", "missing", "read", "stale", "unmarkable"]


def marked(modules=TRANSLATED_MODULES) -> dict[str, list[str]]:
    """Every marked message -> where it is marked (``"module:line"``).

    Read from each module's syntax tree (parsed, never run): a call ``t("...")``, ``N_("...")`` or
    ``anything.t("...")`` whose first argument is a literal string. Babel's token-based extractor is not
    used: it loses track after ``ev.t[i]`` (a variable named like the keyword) and silently skips the
    rest of the file.
    """
    import ast

    found: dict[str, list[str]] = {}
    for module in modules:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"), filename=module)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and _keyword(node.func)):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, []).append(f"{module}:{node.lineno}")
    return found


def unmarkable(modules=TRANSLATED_MODULES) -> list[str]:
    """Calls of ``t``/``N_`` whose message is built (an f-string, a sum): never translated, listed with where."""
    import ast

    out = []
    for module in modules:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"), filename=module)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and node.args and _keyword(node.func)
                    and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp))):
                out.append(f"{module}:{node.lineno}")
    return out


def _keyword(func) -> bool:
    import ast

    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name in KEYWORDS


def read(locale: str = "fr"):
    from babel.messages.pofile import read_po

    with catalogue_path(locale).open("rb") as po:
        return read_po(po, locale=locale)


def missing(locale: str = "fr", modules=TRANSLATED_MODULES) -> dict[str, list[str]]:
    """Marked messages the catalogue has no translation for."""
    catalogue = read(locale)
    return {m: where for m, where in marked(modules).items() if not (catalogue.get(m) and catalogue[m].string)}


def stale(locale: str = "fr", modules=TRANSLATED_MODULES) -> list[str]:
    """Catalogue entries no module marks any more."""
    found = marked(modules)
    return sorted(m.id for m in read(locale) if m.id and m.id not in found)


@contextmanager
def _locked(path: Path):
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(catalogue, locale: str) -> None:
    from babel.messages.pofile import write_po

    path = catalogue_path(locale)
    tmp = path.with_suffix(".po.tmp")
    with tmp.open("wb") as po:
        write_po(po, catalogue, width=110, sort_output=True)
    tmp.replace(path)


def add(translations: dict[str, str], locale: str = "fr", replace: bool = False) -> tuple[int, int]:
    """Add ``{english: translation}`` to the catalogue; returns (added, kept as they were)."""
    added = kept = 0
    where = marked()
    with _locked(catalogue_path(locale)):
        catalogue = read(locale)
        for english, text in translations.items():
            if not english or not text:
                continue
            current = catalogue.get(english)
            if current is not None and current.string and not replace:
                kept += 1
                continue
            if current is not None:   # Catalog.add would merge into it and keep the old string
                current.string = text
                added += 1
                continue
            flags = ("python-brace-format",) if "{" in english else ()
            locations = [(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in where.get(english, [])]
            catalogue.add(english, text, locations=locations, flags=flags)
            added += 1
        _write(catalogue, locale)
    return added, kept


def drop_stale(locale: str = "fr") -> list[str]:
    gone = stale(locale)
    with _locked(catalogue_path(locale)):
        catalogue = read(locale)
        for message in gone:
            del catalogue[message]
        _write(catalogue, locale)
    return gone


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ewarning.i18n.catalogue", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("missing", help="marked strings without a translation")
    add_cmd = sub.add_parser("add", help="add translations from a JSON object {english: translation}")
    add_cmd.add_argument("file", type=Path)
    add_cmd.add_argument("--replace", action="store_true", help="replace existing translations")
    stale_cmd = sub.add_parser("stale", help="entries no code marks any more")
    stale_cmd.add_argument("--drop", action="store_true", help="remove them from the catalogue")
    args = parser.parse_args(argv)
    if args.command == "missing":
        lack = missing()
        for message, where in lack.items():
            print(f"{where[0]}\t{json.dumps(message, ensure_ascii=False)}")
        print(f"{len(lack)} untranslated", file=sys.stderr)
        return 1 if lack else 0
    if args.command == "add":
        added, kept = add(json.loads(args.file.read_text(encoding="utf-8")), replace=args.replace)
        print(f"{added} added, {kept} already translated (kept)")
        return 0
    gone = drop_stale() if args.drop else stale()
    for message in gone:
        print(json.dumps(message, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

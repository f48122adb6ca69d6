"""Why a row was refused, in the reader's language.

The validators (:mod:`ewarning.validation` and the layer modules) write each
reason in English, and the store keeps it so in the quarantine: it is a
record, exchanged with colleagues and re-read years later. What a page shows
is translated on the way out: each reason is matched against the templates
below (the validators' sentences with their variable parts as ``{fields}``)
and said again with the matching French template, the values (column names,
what the file wrote) untouched. A reason no template matches is shown as it
was stored. ``tests/test_reasons.py`` feeds a hostile file through every
validator and fails on a reason no template matches, so the two cannot drift
apart unnoticed.

Examples
--------
>>> from ewarning.i18n import Translator
>>> reason_in("killed: 'many' is not a whole number; lat/lon: missing coordinates", Translator("fr"))
'killed\\xa0: «\\xa0many\\xa0» n’est pas un nombre entier\\xa0; lat/lon\\xa0: coordonnées manquantes'
>>> reason_in("something no template knows", Translator("fr"))
'something no template knows'
"""

from __future__ import annotations

import re
from functools import lru_cache

from .i18n import N_

__all__ = ["REASONS", "reason_in", "template_of", "unmatched"]

#: Every sentence a validator writes, its variable parts as fields (a value the file wrote is quoted in it).
REASONS = (
    N_("{column}: longer than {n} characters"),
    N_("{column}: missing"),
    N_("{column}: missing {what}"),
    N_("{column}: '{value}' is ambiguous ({readings}?); write the number without a thousands separator"),
    N_("{column}: '{value}' is not a number"),
    N_("{column}: {value} is below {low}"),
    N_("{column}: {value} is above {high}"),
    N_("{column}: '{value}' is not a whole number"),
    N_("{column}: '{value}' is not yes/no"),
    N_("{column}: unknown value '{value}' (expected one of: {allowed})"),
    N_("{column}: '{value}' is ambiguous (day or month first?); write it as YYYY-MM-DD"),
    N_("{column}: '{value}' is not a date"),
    N_("{column}: {value} is in the future"),
    N_("lat/lon: missing coordinates"),
    N_("lat/lon: 0/0 is not a location (device had no fix?)"),
    N_("lat/lon: latitude and longitude look swapped (lat {lat}, lon {lon})"),
    N_("{column}: {value} is outside [{low}, {high}]"),
    N_("lat/lon: (lat {lat}, lon {lon}) is outside the mission area {bbox}"),
    N_("{column}: duplicate id '{value}' (first on row {row})"),
    N_("row: repeats row {row} exactly"),
    N_("{column}: id '{value}' is already in the store"),
    N_("reported_at/occurred_at: give at least one of the two times"),
    N_("occurred_at: after reported_at ({occurred} > {reported})"),
    N_("end: before start"),
    N_("closed: before opened"),
    N_("start: overlaps an earlier period of the same base"),
    N_("cla_female: more women liaison assistants than liaison assistants"),
    N_("unreadable row"),
)
_SEPARATOR = "; "


@lru_cache(maxsize=None)
def _compiled() -> list[tuple[str, re.Pattern]]:
    """Each template as an anchored pattern, the most specific (most literal text) first."""
    out = []
    for template in REASONS:
        pattern = "".join(f"(?P<{name}>.+?)" if name else re.escape(text)
                          for text, name in _pieces(template))
        out.append((template, re.compile(f"^{pattern}$", re.S)))
    return sorted(out, key=lambda tp: -len(re.sub(r"\{\w+\}", "", tp[0])))


def _pieces(template: str):
    """``"{column}: missing"`` -> ``[("", "column"), (": missing", "")]``."""
    pieces = []
    for literal, name, _, _ in __import__("string").Formatter().parse(template):
        if literal:
            pieces.append((literal, ""))
        if name:
            pieces.append(("", name))
    return pieces


def template_of(reason: str) -> tuple[str, dict] | None:
    """The template one reason was written from, and its fields (None when no template matches)."""
    for template, pattern in _compiled():
        m = pattern.match(reason)
        if m:
            return template, m.groupdict()
    return None


def _spans(text: str) -> list[tuple[str, tuple[str, dict] | None]]:
    """A stored reason cut into the reasons it joins, each with its template (None when none matches)."""
    parts = text.split(_SEPARATOR)
    spans, i = [], 0
    while i < len(parts):
        # the shortest span that is a reason (the ambiguous ones hold "; " themselves)
        for j in range(i + 1, len(parts) + 1):
            found = template_of(_SEPARATOR.join(parts[i:j]))
            if found:
                spans.append((_SEPARATOR.join(parts[i:j]), found))
                i = j
                break
        else:
            spans.append((parts[i], None))
            i += 1
    return spans


def unmatched(text) -> list[str]:
    """The reasons in ``text`` no template matches (what a translation would leave in English)."""
    return [part for part, found in _spans(str(text)) if found is None]


def reason_in(text, t=None) -> str:
    """A stored reason (one or several joined by ``"; "``) in ``t``'s language; unmatched parts as stored
    (a :class:`~ewarning.i18n.phrases.Said` reason is rendered from its phrase)."""
    if getattr(text, "phrase", None) is not None:
        from .i18n.phrases import said_in

        return said_in(text, t)
    text = str(text)
    if t is None or t.locale == "en" or not text:
        return text
    said = [t(found[0], **found[1]) if found else part for part, found in _spans(text)]
    return ("\u00a0; " if t.locale == "fr" else _SEPARATOR).join(said)

"""SMS gateway exports: RapidPro and FrontlineSMS message CSVs as alert reports.

Community alert networks send alerts by SMS to a gateway (RapidPro,
FrontlineSMS); the gateway's message export is read here, one incoming
message = one alert. The column names are those of the tools' message
exports as the project knows them (not checked against every version):

==============  ======================================  ===========================================
                RapidPro ("Messages" export)             FrontlineSMS (messages export)
==============  ======================================  ===========================================
detected by     ``Contact UUID``, ``Direction``,         ``Message Content`` and ``Sender Number``
                ``Text``                                 (or ``Message Date``)
time            ``Date`` (else ``Created On``)           ``Message Date`` (else ``Date``)
sender          ``URN`` (``tel:+236...``), else          ``Sender Number``, else ``Sender Name``
                ``URN Value``, else ``Contact UUID``
message         ``Text``                                 ``Message Content``
direction       ``Direction`` (``IN`` / ``OUT``)         ``Message Type`` (``Received`` / ``Sent``)
==============  ======================================  ===========================================

Mapping, for every incoming message:

- ``reported_at`` = the message time (a time without a UTC offset is read
  as UTC, as everywhere; a note says so, since gateways may write the
  workspace's local time); ``channel`` = ``can_sms``;
- ``text`` = the message (phone numbers in it are scrubbed on import);
- ``reporter`` = the sender's number (URN scheme such as ``tel:`` dropped):
  the import replaces it with its keyed hash before anything is checked or
  written, so it is never stored in clear; contact names are not read;
- ``category`` from keywords in the message (:data:`KEYWORDS`: French,
  English and a few Sango words; the gravest match wins), else
  ``threat_or_rumour``, and the notes say how many messages matched none;
- location: the first town of the shipped gazetteer
  (:func:`ewarning.places.shipped_towns`) named in the message, precision
  ``village``; a message naming no town goes to the quarantine
  (``location: no location in the message ...``), its sender withheld.

Outgoing messages (the gateway's replies and broadcasts) are not reports:
they are left out and counted in the notes. Casualty counts are not read
from the text (0 until an analyst corrects them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .. import vocab
from ..security import WITHHELD
from .base import RawTable, ReadError
from .hxl import header_names, raw_json, rejected_frame
from .textfile import read_rows

#: Header names (lower case) that tell each export apart.
RAPIDPRO_MARKERS = ({"contact uuid", "direction", "text"}, {"urn", "direction", "text", "date"})
FRONTLINE_MARKERS = ({"message content", "sender number"}, {"message content", "message date"})

#: Per format, the canonical field -> header names tried in order (lower case).
COLUMNS = {
    "rapidpro": {"time": ["date", "created on", "sent on"], "sender": ["urn", "urn value", "contact uuid"],
                 "text": ["text", "message"], "direction": ["direction"]},
    "frontlinesms": {"time": ["message date", "date"], "sender": ["sender number", "sender name"],
                     "text": ["message content", "content", "message"],
                     "direction": ["message type", "type", "direction"]},
}
#: Columns that name a person: never read (the sender's number is the reporter).
NAME_COLUMNS = {"name", "contact name", "contact", "sender name", "recipient name"}
OUTGOING = {"out", "outgoing", "sent", "outbound", "mt", "o", "sent message", "outbox"}
THREAT = "threat_or_rumour"

#: Category keywords, gravest category first (the first category with a match wins). Matched as whole
#: words on the message with case and accents ignored (:func:`ewarning.vocab.normalise_code`). The Sango
#: words (``kui`` death, ``nzi`` to steal, ``zo ti bira`` fighters) are few and from general knowledge,
#: not checked with the network's speakers: extend and correct this table with its own vocabulary.
KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    # A message that says it is a rumour reports a rumour, whatever it says may happen.
    ("threat_or_rumour", ("rumeur", "rumeurs", "rumour", "rumours", "rumor", "rumors", "on dit que")),
    ("killing", ("tue", "tues", "tuee", "tuees", "tuer", "tuent", "killed", "kill", "killing", "killings", "mort",
                 "morts", "meurtre", "meurtres", "massacre", "massacres", "assassine", "assassines", "dead",
                 "kui")),
    ("sexual_violence", ("viol", "viols", "violee", "violees", "rape", "raped")),
    ("abduction", ("enlevement", "enlevements", "enleve", "enleves", "enlevee", "enlevees", "kidnap", "kidnapped",
                   "kidnapping", "abduct", "abducted", "abduction", "otage", "otages", "rapt")),
    ("armed_attack", ("attaque", "attaques", "attaquent", "attack", "attacked", "tirs", "coups de feu", "gunfire",
                      "shooting", "affrontement", "affrontements", "combats")),
    ("arson", ("incendie", "incendies", "incendiee", "incendiees", "brule", "brulee", "brulees", "brules",
               "burn", "burned", "burnt", "burning")),
    ("looting", ("pillage", "pillages", "pille", "pillee", "pilles", "loot", "looted", "looting", "nzi")),
    ("displacement", ("deplaces", "fuient", "fuite", "fled", "fleeing", "displaced")),
    ("armed_group_movement", ("hommes armes", "homme arme", "groupe arme", "groupes armes", "armed men",
                              "armed group", "gunmen", "zo ti bira")),
    ("checkpoint_extortion", ("barriere", "barrage", "checkpoint", "extorsion", "extortion", "racket")),
    ("intercommunal_tension", ("tension", "tensions")),
    ("threat_or_rumour", ("menace", "menaces", "menacent", "threat", "threats", "threatened")),
]
_KEYWORD_RES = [(cat, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"))
                for cat, words in KEYWORDS]
_OFFSET = re.compile(r"(?:Z|UTC|GMT|[+-]\d\d:?\d\d)$", re.I)
NO_LOCATION = ("location: no location in the message (it names no town of the shipped gazetteer); add lat and lon "
               "or a town to the text and import the row again")


def _which(head: str) -> str | None:
    names = header_names(head)
    if any(m <= names for m in RAPIDPRO_MARKERS):
        return "rapidpro"
    if any(m <= names for m in FRONTLINE_MARKERS):
        return "frontlinesms"
    return None


def sniff(path: Path, head: str, fmt: str = "rapidpro") -> bool:
    return _which(head) == fmt


def category_of(text: object) -> str | None:
    """The category a message's keywords say (gravest first), or None when no keyword matches.

    >>> category_of("Des hommes armés ont tué 3 civils à Alindao"), category_of("Enlèvement près de Bria")
    ('killing', 'abduction')
    >>> category_of("Pillage du marché"), category_of("RAS aujourd'hui") is None
    ('looting', True)
    """
    folded = vocab.normalise_code(text or "")
    for cat, pattern in _KEYWORD_RES:
        if pattern.search(folded):
            return cat
    return None


def _town_patterns(towns) -> list[tuple[str, float, float, re.Pattern]]:
    out = []
    for row in towns.itertuples():
        name = vocab.normalise_code(row.name)
        if name:
            out.append((str(row.name), float(row.geometry.y), float(row.geometry.x),
                        re.compile(r"\b" + re.escape(name) + r"\b")))
    return out


def town_in(text: object, patterns) -> tuple[tuple[str, float, float] | None, int]:
    """The first gazetteer town named in ``text`` (name, lat, lon), and how many towns it names."""
    folded = vocab.normalise_code(text or "")
    found = []
    for name, lat, lon, pattern in patterns:
        m = pattern.search(folded)
        if m:
            found.append((m.start(), name, lat, lon))
    if not found:
        return None, 0
    found.sort()
    _, name, lat, lon = found[0]
    return (name, lat, lon), len({f[1] for f in found})


def _pick(frame: pd.DataFrame, names: list[str]) -> str | None:
    lower = {str(c).strip().lower(): c for c in frame.columns}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def _sender(value: object) -> object:
    """``tel:+236...`` -> ``+236...`` (any URN scheme dropped); empty as missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    m = re.match(r"^(tel|whatsapp|telegram|viber|facebook|ext|twitter|line|signal):(.*)$", text, re.I)
    text = (m.group(2) if m else text).strip()
    return text or None


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str | None = None) -> list[RawTable]:
    from ..places import shipped_towns

    path = Path(path)
    if layer not in (None, "alerts"):
        raise ReadError(f"{path.name}: SMS messages are alerts, not {layer}")
    frame, rejected, notes = read_rows(path, encoding)
    fmt = fmt if fmt in COLUMNS else None
    if fmt is None:
        from . import head_text

        fmt = _which(head_text(path)) or "rapidpro"
    label = {"rapidpro": "RapidPro", "frontlinesms": "FrontlineSMS"}[fmt]
    cols = {k: _pick(frame, v) for k, v in COLUMNS[fmt].items()}
    missing = [COLUMNS[fmt][k][0] for k in ("time", "text") if cols[k] is None]
    if missing:
        raise ReadError(f"{path.name}: not a {label} message export, column(s) missing: "
                        + ", ".join(repr(m.title()) for m in missing))

    def get(key):
        col = cols[key]
        return frame[col].astype(object) if col is not None else pd.Series(None, index=frame.index, dtype=object)

    direction = get("direction").map(lambda v: vocab.normalise_code(v) if isinstance(v, str) else "")
    outgoing = direction.isin(OUTGOING)
    n_out = int(outgoing.sum())
    keep = frame.index[~outgoing.to_numpy()]
    text = get("text").loc[keep]
    towns = shipped_towns()
    patterns = _town_patterns(towns) if towns is not None else []
    placed = [town_in(t, patterns) for t in text]
    category = text.map(category_of)
    out = pd.DataFrame({
        "reported_at": get("time").loc[keep],
        "lat": [None if town is None else repr(town[1]) for town, _ in placed],
        "lon": [None if town is None else repr(town[2]) for town, _ in placed],
        "category": category.fillna(THREAT),
        "channel": "can_sms",
        "reporter": get("sender").loc[keep].map(_sender),
        "location_precision": "village",
        "text": text,
    }, index=keep).astype(object)

    unplaced = pd.Series([town is None for town, _ in placed], index=keep)
    if unplaced.any():
        # The sender is withheld in the quarantine's raw text: no secret here to key it with.
        bad = {int(i): (NO_LOCATION, raw_json({**out.loc[i].to_dict(), "lat": None, "lon": None,
                                               "reporter": WITHHELD if out.loc[i, "reporter"] else None}))
               for i in out.index[unplaced.to_numpy()]}
        rejected = pd.concat([rejected, rejected_frame(bad)]).sort_index()
        out = out[~unplaced.to_numpy()]
    not_read = [str(c) for c in frame.columns if c not in cols.values()]
    names = [c for c in not_read if c.strip().lower() in NAME_COLUMNS]
    notes.append(f"{label} message export: each incoming message is an alert (channel SMS, reported at the "
                 "message time, the sender's number pseudonymised as the reporter)")
    if names:
        notes.append("identity: column(s) not read, they identify people: " + ", ".join(repr(c) for c in names))
    others = [c for c in not_read if c not in names]
    if others:
        notes.append("column(s) not read: " + ", ".join(repr(c) for c in others))
    if n_out:
        notes.append(f"{n_out} outgoing message(s) (the gateway's replies or broadcasts) are not reports and were "
                     "not read")
    n_threat = int(category.loc[out.index].isna().sum())
    if n_threat:
        notes.append(f"{n_threat} message(s) matched no category keyword and were read as threat_or_rumour; "
                     "check them at triage")
    several = sum(1 for (town, n), bad in zip(placed, unplaced) if town is not None and n > 1 and not bad)
    if several:
        notes.append(f"{several} message(s) name several towns; each was placed at the first town named")
    if unplaced.any():
        notes.append(f"{int(unplaced.sum())} message(s) name no town of the gazetteer and were set aside "
                     "(no location in the message)")
    naive = int(out["reported_at"].map(lambda v: isinstance(v, str) and v.strip() != ""
                                       and not _OFFSET.search(v.strip())).sum())
    if naive:
        notes.append(f"{naive} message time(s) without a UTC offset were read as UTC; if the gateway writes local "
                     "time (its workspace's time zone), correct the times before importing")
    return [RawTable("alerts", out, path.name, fmt, notes, rejected)]

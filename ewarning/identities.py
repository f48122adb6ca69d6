"""Reporter identities: find them in any file before anything is written.

Community focal points have been kidnapped and killed for talking to
missions. A file an analyst imports may carry an informant's phone number,
name or messaging account under any of dozens of column names (hotline logs,
KoBo and ODK forms, WhatsApp and SMS exports, in English and French), and
inside the report text. This module finds them two ways:

- **by column name**, case- and accent-insensitive (``Téléphone du
  rapporteur``, ``caller_id``, ``WhatsApp``, ``nom``), from the word lists
  below;
- **by content**: a column that is not one of the layer's own columns and
  holds phone numbers, e-mail addresses or ``@handles`` is an identity
  column whatever its name.

:func:`protect` then applies one rule to every table a reader returns,
valid rows and rejected rows alike: the best identity column becomes the
``reporter`` and is replaced by its keyed hash (:func:`ewarning.security.pseudonymise`);
every other identity column is dropped; phone numbers, e-mail addresses and
handles inside free text are replaced by placeholders. Names inside free text
cannot be found reliably, so exports and briefings leave free text out unless
an analyst asks for it.

Examples
--------
>>> import pandas as pd
>>> identity_rank("Téléphone du rapporteur") is not None, identity_rank("village") is None
(True, True)
>>> text, found = scrub_text("Call me on +236 70 12 34 56 or jean@example.org, not on 2018-11-15")
>>> text, sorted(found.items())
('Call me on [phone removed] or [e-mail removed], not on 2018-11-15', [('e-mail', 1), ('phone', 1)])
"""

from __future__ import annotations

import logging
import re
import traceback
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from .i18n import N_

#: Words that make a column an identity wherever they appear in its name
#: (after accents and case are folded and the name split on non-letters),
#: most stable identity first: a phone number keys a reporter best.
STRONG_WORDS: tuple[tuple[str, ...], ...] = (
    # phone numbers
    ("phone", "telephone", "tel", "mobile", "cell", "cellphone", "msisdn", "portable", "cellulaire", "gsm",
     "numtel", "phonenumber", "telefone", "telefono"),
    # messaging and online accounts
    ("whatsapp", "telegram", "signal", "viber", "messenger", "facebook", "twitter", "skype", "username",
     "handle", "pseudo", "email", "mail", "courriel", "login", "account", "compte", "utilisateur", "identifiant"),
    # the person who reported
    ("reporter", "rapporteur", "caller", "appelant", "informant", "informateur", "informatrice", "sender",
     "expediteur", "enumerator", "enqueteur", "enqueteuse", "interviewer", "respondent", "repondant",
     "submitter", "declarant", "temoin", "witness", "author", "auteur", "callerid"),
    # identity documents
    ("passport", "passeport", "cni", "nin"),
)
#: Whole names (after folding) that are a person's name or id on their own.
WHOLE_NAMES = {
    "name", "nom", "prenom", "prenoms", "full_name", "fullname", "first_name", "firstname", "last_name",
    "lastname", "surname", "given_name", "family_name", "nom_complet", "nom_prenom", "nom_et_prenom",
    "nom_prenoms", "person", "personne", "contact", "source", "focal_point", "point_focal", "submitted_by",
    "reported_by", "signale_par", "rapporte_par", "national_id", "id_card", "carte_d_identite",
    "piece_d_identite", "numero", "number", "num", "from", "de", "sent_by", "envoye_par",
}
#: Words for a person that, next to ``name``/``contact``/``number``/``id``,
#: make the column an identity (``source_name``, ``contact_person``).
PERSON_WORDS = {"source", "contact", "focal", "person", "personne", "chief", "chef", "victim", "victime",
                "submitted", "reported", "signale", "rapporte", "sent", "envoye", "by", "par"}
NAME_WORDS = {"name", "names", "nom", "noms", "prenom", "contact", "number", "numero", "num", "id", "identity",
              "identite", "details", "info", "person", "personne"}

#: Placeholders written where an identity stood in free text.
PLACEHOLDERS = {"phone": "[phone removed]", "e-mail": "[e-mail removed]", "handle": "[handle removed]"}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A handle: @ then 3+ word characters, not the middle of an e-mail address.
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z_][\w.]{2,}\w")
# A phone number: optional + or 00, then 8 to 15 digits in groups split by
# spaces, dots, dashes or brackets. Dates and decimals are told apart below.
# Not the digits of an identifier ("E-20317465", "CAF-20181115"): no word character and hyphen before it.
_PHONE = re.compile(r"(?<![\w+])(?<!\w-)(?:\+|00)?\(?\d[\d \t().-]{6,22}\d(?![\w])")
_DATE_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$"
                        r"|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{1,2}:\d{2}")
_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")
_COORDINATE = re.compile(r"\d\.\d{4,}")


def fold_name(name: object) -> str:
    """A column name folded for matching: accents off, lower case, words joined by ``_``.

    KoBo group prefixes (``grp_contact/phone``) are dropped.

    >>> fold_name(" Numéro de Téléphone ")
    'numero_de_telephone'
    >>> fold_name("group_a/Reporter-Phone")
    'reporter_phone'
    """
    text = str(name).rsplit("/", 1)[-1]
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    # camelCase -> camel_case before non-letters are collapsed
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", text)
    return "_".join(re.findall(r"[a-z0-9]+", text))


def identity_rank(name: object) -> int | None:
    """How good a reporter key the column would be (0 best), or None if it is no identity.

    >>> [identity_rank(n) for n in ("Reporter phone", "caller", "Nom", "village_name", "date")]
    [0, 2, 4, None, None]
    """
    folded = fold_name(name)
    if not folded:
        return None
    words = folded.split("_")
    for rank, group in enumerate(STRONG_WORDS):
        if any(w in group for w in words) or folded.replace("_", "") in group:
            return rank
    if folded in WHOLE_NAMES:
        return len(STRONG_WORDS)
    if set(words) & PERSON_WORDS and set(words) & NAME_WORDS:
        return len(STRONG_WORDS)
    return None


def value_kinds(text: object) -> Counter:
    """Identity shapes found in one value (phone numbers, e-mail addresses, handles)."""
    if text is None or not isinstance(text, str) or not text:
        return Counter()
    return scrub_text(text)[1]


def _phone_like(match: str) -> bool:
    digits = sum(c.isdigit() for c in match)
    if not 8 <= digits <= 15:
        return False
    stripped = match.strip().lstrip("(").strip()   # "(2018-11-16 00:00" in a sentence is a date in brackets
    # Dates, times, decimals and coordinate pairs ("4.791234 20.682112") are not phone numbers.
    return not (_DATE_LIKE.search(stripped) or _DECIMAL.match(stripped) or _COORDINATE.search(stripped))


def scrub_text(text: str) -> tuple[str, Counter]:
    """Replace phone numbers, e-mail addresses and handles in ``text`` by placeholders.

    Returns the new text and how many of each kind were replaced. Dates
    (``2018-11-15``), times and decimal numbers (``4.7912345``) are left alone.
    """
    counts: Counter = Counter()

    def sub(kind):
        def replace(m):
            if kind == "phone" and not _phone_like(m.group(0)):
                return m.group(0)
            counts[kind] += 1
            return PLACEHOLDERS[kind]
        return replace

    text = _EMAIL.sub(sub("e-mail"), text)
    text = _HANDLE.sub(sub("handle"), text)
    text = _PHONE.sub(sub("phone"), text)
    return text, counts


def scrub_series(values: pd.Series) -> tuple[pd.Series, Counter]:
    """:func:`scrub_text` over a column; non-text values are left as they are."""
    total: Counter = Counter()
    uniques = {}
    for value, rows in values.dropna().value_counts().items():
        if isinstance(value, str) and any(c.isdigit() or c == "@" for c in value):
            new, counts = scrub_text(value)
            if counts:
                uniques[value] = new
                total.update({kind: n * int(rows) for kind, n in counts.items()})  # every row holding it
    if not uniques:
        return values, total
    return values.map(lambda v: uniques.get(v, v) if isinstance(v, str) else v), total


def holds_identities(values: pd.Series) -> str | None:
    """What identities a column holds by content ('phone numbers', ...), or None."""
    sample = values.dropna()
    sample = sample[sample.map(lambda v: isinstance(v, str))].unique()[:5000]
    found: Counter = Counter()
    for value in sample:
        found.update(value_kinds(value))
    if not found:
        return None
    names = {"phone": "phone numbers", "e-mail": "e-mail addresses", "handle": "account handles"}
    return ", ".join(names[k] for k in found)


@dataclass
class Protection:
    """What :func:`protect` did to one table (for the import summary)."""

    reporter_from: str | None = None
    dropped: dict[str, str] = field(default_factory=dict)  # column -> why
    scrubbed: Counter = field(default_factory=Counter)

    def notes(self) -> list[str]:
        out = []
        if self.reporter_from and self.reporter_from != "reporter":
            out.append(f"identity: the reporter key comes from column '{self.reporter_from}' (pseudonymised)")
        if self.dropped:
            out.append("identity: column(s) not read, they identify people: "
                       + ", ".join(f"'{c}' ({why})" for c, why in self.dropped.items()))
        return out  # what was scrubbed from the text is counted in the import's summary line


#: What was removed from free text, one and several (every count said is at least 1).
_REMOVED = {"phone": (N_("{n} phone number"), N_("{n} phone numbers")),
            "e-mail": (N_("{n} e-mail address"), N_("{n} e-mail addresses")),
            "handle": (N_("{n} account handle"), N_("{n} account handles"))}


def count_words(counts: Counter, t=None) -> str:
    """``Counter(phone=2, e-mail=1)`` -> '1 e-mail address, 2 phone numbers' (in ``t``'s language when given)."""
    from .i18n import Translator

    t = t or Translator("en")
    return ", ".join(t(_REMOVED[k][n != 1], n=t.number(n)) for k, n in sorted(counts.items()) if n)


#: The layers' own free-text columns: scrubbed of phone numbers, e-mail
#: addresses and handles (times, counts and ids never are: a phone-shaped
#: timestamp or id must reach the validator as written).
OWN_FREE_TEXT = {"text", "name", "unit"}
#: Other columns that are free text by their name: scrubbed, not dropped,
#: when a phone number appears in them.
FREE_TEXT_WORDS = {"text", "comment", "comments", "commentaire", "commentaires", "remark", "remarks", "remarque",
                   "remarques", "note", "notes", "observation", "observations", "description", "details",
                   "narrative", "message", "summary", "resume", "story", "recit", "incident", "what"}


def _free_text_name(name: object) -> bool:
    return bool(set(fold_name(name).split("_")) & FREE_TEXT_WORDS)


def protect(frame: pd.DataFrame, own_columns: set[str], secret: bytes,
            keep_reporter: bool = True) -> tuple[pd.DataFrame, Protection]:
    """Pseudonymise or drop every identity column of a raw table and scrub its free text.

    Parameters
    ----------
    frame : DataFrame
        A reader's output: canonical names for the layer's columns, other
        columns as found.
    own_columns : set of str
        The layer's canonical columns (never identities by name, except
        ``reporter``); other columns are also checked by content.
    secret : bytes
        The pseudonymisation secret.
    keep_reporter : bool
        Alerts keep one identity column as the (pseudonymised) ``reporter``;
        other layers have no reporter and lose every identity column.

    Returns
    -------
    frame : DataFrame
        A copy with ``reporter`` (if any) holding keys, other identity columns
        gone, free text scrubbed.
    protection : Protection
        Which columns were used or dropped and how many values were scrubbed.
    """
    from .security import pseudonymise

    result = Protection()
    candidates: list[tuple[int, int, str]] = []  # (rank, position, column)
    for pos, col in enumerate(frame.columns):
        if col == "geometry":
            continue
        if col == "reporter":
            candidates.append((-1, pos, col))
            continue
        if col in own_columns:
            continue
        rank = identity_rank(col)
        if rank is not None:
            result.dropped[str(col)] = "its name"
        elif _is_text(frame[col]) and not _free_text_name(col):
            kind = holds_identities(frame[col])
            if kind:
                result.dropped[str(col)] = f"holds {kind}"
                rank = 0 if "phone" in kind else 1
        if rank is not None:
            candidates.append((rank, pos, col))
    out = frame.copy()
    if candidates and not keep_reporter:
        out = out.drop(columns=[c for _, _, c in candidates])
    elif candidates:
        _, _, best = min(candidates)
        result.reporter_from = str(best)
        result.dropped.pop(str(best), None)
        keys = pseudonymise(out[best].astype(object), secret)
        drop = [c for _, _, c in candidates if c != best]
        out = out.drop(columns=drop + ([best] if best != "reporter" else []))
        out["reporter"] = keys.to_numpy()
    for col in out.columns:
        scrub = col in OWN_FREE_TEXT if col in own_columns else col not in ("geometry", "reporter")
        if scrub and _is_text(out[col]):
            out[col], counts = scrub_series(out[col])
            result.scrubbed.update(counts)
    return out, result


class ScrubLogRecords(logging.Filter):
    """A logging filter: no phone number, e-mail address or handle in a log line or its traceback.

    Exceptions can quote the value that caused them (a cell of an imported
    file); the record is formatted here and scrubbed before any handler sees it.

    >>> record = logging.LogRecord("x", logging.ERROR, __file__, 1, "bad value %s", ("+236 70 11 22 33",), None)
    >>> _ = ScrubLogRecords().filter(record)
    >>> record.getMessage()
    'bad value [phone removed]'
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub_text(record.getMessage())[0], ()
        if record.exc_info:
            record.exc_text = scrub_text("".join(traceback.format_exception(*record.exc_info)).rstrip())[0]
            record.exc_info = None
        return True


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)


def scrub_lines(lines: pd.Series) -> pd.Series:
    """Raw text kept for repair (rejected rows, quarantine reasons), identity shapes removed."""
    return scrub_series(lines.astype(object))[0]

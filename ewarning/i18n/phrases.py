"""Sentences built from translatable templates and typed figures, rendered in any language.

The engine writes an explanation once, as :class:`Phrase` objects: an English
template marked with :func:`~ewarning.i18n.N_` and the figures it carries,
typed (:class:`Num`, :class:`Pct`, :class:`Term`, :class:`Listed`, a nested
:class:`Phrase`, or a plain string kept as written, such as a place name).
:func:`render` turns them into text with a :class:`~ewarning.i18n.Translator`:
the French and the English of one hotspot are two renderings of the same
objects, so they cannot carry different figures.

Examples
--------
>>> from ewarning.i18n import N_, Translator
>>> p = Phrase(N_("{people} people in IDP sites nearby ({sites})."), people=18000, sites="Alindao")
>>> render([p], Translator("en"))
'18,000 people in IDP sites nearby (Alindao).'
>>> render([p], Translator("fr")) == '18\u202f000 personnes dans des sites de déplacés à proximité (Alindao).'
True
>>> render([Phrase("{where}", where=Listed([Term("COMPONENTS", "police"), Term("COMPONENTS", "cla")]))],
...        Translator("fr"))
'police et assistants de liaison communautaire'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Day", "Listed", "Num", "Pct", "Phrase", "Raw", "Said", "Term", "phrase_of", "render", "render_one", "said_in"]


@dataclass(frozen=True)
class Num:
    """A number: ``digits`` decimals (None: as few as the value needs, whole when whole); ``sign`` prints ``+``."""

    value: float
    digits: int | None = 0
    sign: bool = False


@dataclass(frozen=True)
class Pct:
    """A share (0-1) printed as a percentage by the locale."""

    share: float
    digits: int = 0


@dataclass(frozen=True)
class Term:
    """A controlled-vocabulary code shown by its label, lower-case by default: ``vocabulary`` names a table of
    :mod:`ewarning.vocab` (``"CATEGORIES"``) or of another module (``"training.scenarios:TOPICS"``)."""

    vocabulary: str
    code: str
    lower: bool = True


@dataclass(frozen=True)
class Day:
    """A calendar day, day first: "14 Nov 2018" / "14 nov. 2018"."""

    day: object


@dataclass(frozen=True)
class Raw:
    """Text kept exactly as written (a statistic's notation such as ``p<0.001``, an identifier)."""

    text: str


@dataclass(frozen=True)
class Listed:
    """Items joined as the language joins a list: ``"standard"`` ("a, b and c" / "a, b et c"), ``"comma"``
    ("a, b, c") or ``"semicolon"`` (clauses of one sentence: "a; b")."""

    items: tuple
    style: str = "standard"

    def __init__(self, items, style: str = "standard"):
        object.__setattr__(self, "items", tuple(items))
        object.__setattr__(self, "style", style)


class Phrase:
    """An English template (``{name}`` fields) and its figures; immutable and comparable.

    Parameters
    ----------
    message : str
        The template, marked with :func:`~ewarning.i18n.N_` where written, so the
        catalogue check finds it.
    **fields
        The values of its fields.
    """

    __slots__ = ("message", "fields")

    def __init__(self, message: str, **fields):
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "fields", tuple(sorted(fields.items())))

    def __setattr__(self, name, value):
        raise AttributeError("a Phrase is immutable")

    def __eq__(self, other):
        return isinstance(other, Phrase) and (self.message, self.fields) == (other.message, other.fields)

    def __hash__(self):
        return hash((self.message, self.fields))

    def __repr__(self):
        args = "".join(f", {k}={v!r}" for k, v in self.fields)
        return f"Phrase({self.message!r}{args})"

    def __reduce__(self):
        return (_phrase, (self.message, self.fields))


def _phrase(message, fields):
    return Phrase(message, **dict(fields))


#: Joiners by style and language (French sets a no-break space before a semicolon).
_JOINERS = {"comma": {"en": ", ", "fr": ", "}, "semicolon": {"en": "; ", "fr": "\u00a0; "}}


def _vocabulary(name: str) -> dict:
    """``"CATEGORIES"`` (of :mod:`ewarning.vocab`) or ``"module:NAME"`` (of ``ewarning.module``)."""
    import importlib

    module, _, attr = name.rpartition(":")
    return getattr(importlib.import_module("ewarning." + module if module else "ewarning.vocab"), attr)


def _value(value, t) -> str:
    if isinstance(value, Phrase):
        fields = {k: _value(v, t) for k, v in value.fields}
        return t(value.message, **fields) if fields else t(value.message)
    if isinstance(value, Num):
        v = float(value.value)
        digits = value.digits
        if digits is None:
            digits = 0 if abs(v - round(v)) < 0.05 else 1
        text = t.number(round(v, digits), digits)
        return ("+" + text) if value.sign and v >= 0 else text
    if isinstance(value, Pct):
        return t.percent(value.share, value.digits)
    if isinstance(value, Term):
        label = _vocabulary(value.vocabulary).get(value.code, value.code)
        word = t(label)
        return word[:1].lower() + word[1:] if value.lower and not word[:2].isupper() else word
    if isinstance(value, Listed):
        from babel.lists import format_list

        items = [_value(v, t) for v in value.items]
        if value.style in _JOINERS:
            return _JOINERS[value.style].get(t.locale, _JOINERS[value.style]["en"]).join(items)
        # British English lists (no comma before "and"), as UN English writes them
        return format_list(items, style=value.style, locale="en_GB" if t.locale == "en" else t.locale) if items else ""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Day):
        from babel.dates import format_date

        # "en", not "en_GB": British English abbreviates September "Sept" (every other text writes "Sep")
        return format_date(value.day, format="d MMM y", locale=t.locale)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return t.number(value)
    if isinstance(value, float):
        return t.number(value, None)
    return str(value)


def render_one(phrase, t) -> str:
    """One phrase (or any typed value of one: a list, a term, a number) in ``t``'s language."""
    return _value(phrase, t)


def render(phrases, t, sep: str = " ") -> str:
    """Phrases in ``t``'s language, joined by ``sep``."""
    return sep.join(render_one(p, t) for p in phrases)


class Said(str):
    """English text that keeps the phrase it was rendered from, so a page can show it in another language.

    It *is* the English string (printed, joined, compared and written to files as before); :func:`said_in`
    renders its phrase for another language. Engine and view notes are made of these.

    Examples
    --------
    >>> from ewarning.i18n import N_, Translator
    >>> note = Said(Phrase(N_("Presence within reach: {present}."), present=Phrase(N_("none"))))
    >>> note, said_in(note, Translator("fr")), said_in("plain text", Translator("fr"))
    ('Presence within reach: none.', 'Présence à portée\\xa0: aucune.', 'plain text')
    """

    def __new__(cls, phrase):
        from . import Translator

        text = super().__new__(cls, render_one(phrase, Translator("en")))
        text.phrase = phrase
        return text

    def __reduce__(self):
        return (Said, (self.phrase,))


def phrase_of(text):
    """The phrase a :class:`Said` text was made from; any other text kept as written (:class:`Raw`)."""
    return getattr(text, "phrase", None) or Raw(str(text))


def said_in(text, t=None) -> str:
    """``text`` in ``t``'s language when it is :class:`Said`; any other text as it is."""
    phrase = getattr(text, "phrase", None)
    if t is None or phrase is None:
        return str(text)
    return render_one(phrase, t)

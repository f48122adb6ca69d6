"""The expected events of a disc in words an analyst can read.

"0.8 serious events expected in the next 14 days; 60 % from the last three
weeks' reports within 5 km" - what each part of the forecast contributes to
one disc, from the sources of :func:`~ewarning.forecast.discs.sources`.
A pure function: the lead can append its text to the hotspot explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..i18n import N_, Translator
from ..i18n.phrases import Num, Pct, Phrase, Raw, render_one
from .discs import Sources
from .kernels import disc_mass

_ENGLISH = Translator("en")

__all__ = ["ExpectedExplanation", "explain_disc", "amount_words"]


@dataclass(frozen=True)
class ExpectedExplanation:
    """Where a disc's expected serious events come from.

    Attributes
    ----------
    expected : float
        Expected serious events in the disc over the horizon.
    recent_near, other_reports, background : float
        Shares (0-1) of ``expected`` from reports of the last ``recent_days``
        within ``near_km`` of the centre, from the other reports, and from
        the long-run background.
    recent_days, near_km, horizon_days : float
    model_source : str
        ``"fitted"`` or ``"defaults"``.
    text : str
        The English of ``phrase``.
    phrase : Phrase
        The same sentence in any language (:func:`ewarning.i18n.phrases.render`).
    """

    expected: float
    recent_near: float
    other_reports: float
    background: float
    recent_days: float
    near_km: float
    horizon_days: float
    model_source: str
    text: str
    phrase: Phrase | None = None


_WEEKS = {2: N_("the last two weeks'"), 3: N_("the last three weeks'"), 4: N_("the last four weeks'"),
          5: N_("the last five weeks'"), 6: N_("the last six weeks'")}


def _days_words(d: float) -> Phrase:
    if d % 7 == 0 and d >= 14 and int(d // 7) in _WEEKS:
        return Phrase(_WEEKS[int(d // 7)])
    if d % 7 == 0 and d >= 14:
        return Phrase(N_("the last {weeks} weeks'"), weeks=int(d // 7))
    return Phrase(N_("the last {days} days'"), days=Num(d, None))


def amount_digits(total: float) -> int:
    """Decimals of :func:`amount_words`: none from 10, two from 0.1, two significant digits below."""
    if total >= 10 or total <= 0:
        return 0
    if total >= 0.1:
        return 2
    return max(0, 1 - int(np.floor(np.log10(float(f"{total:.2g}")))))


def amount_words(total: float) -> str:
    """Expected events as every text and table writes them: whole from 10, two decimals from 0.1, two
    significant digits below (a small figure never reads as zero).

    Examples
    --------
    >>> amount_words(0.8), amount_words(12.3), amount_words(0.0342), amount_words(0.0)
    ('0.80', '12', '0.034', '0')
    """
    if total >= 10:
        return f"{total:.0f}"
    return f"{total:.2f}" if total >= 0.1 else f"{total:.2g}"


def explain_disc(src: Sources, x: float, y: float, radius_km: float, horizon_days: float = 14.0,
                 recent_days: float = 21.0, near_km: float = 5.0, model_source: str = "fitted",
                 model_words: str | None = None, where: str = "") -> ExpectedExplanation:
    """Explain the expected serious events in the disc of ``radius_km`` around ``(x, y)`` (km).

    ``model_words`` (e.g. "fitted on 240 serious events") is said in brackets at the end; without it a
    default model says so. ``where`` follows the horizon ("within 12 km of the area's centre").
    A report's share includes the reports expected to follow it (the sources' arrivals term).

    Examples
    --------
    >>> s = Sources(x=np.array([0.0, 0.0, 0.0]), y=np.zeros(3), sd=np.array([15.0, 1.0, 30.0]),
    ...             mass=np.array([0.2, 0.6, 0.2]), kind=np.array([0, 1, 2], "int8"),
    ...             age_days=np.array([np.nan, 3.0, 3.0]), report=np.array([0, 1, 1]))
    >>> e = explain_disc(s, 0.0, 0.0, 10.0)
    >>> print(*e.text.replace("; ", ", ").split(", "), sep=chr(10))
    0.65 serious events expected in the next 14 days
    94% from the last three weeks' reports within 5 km
    0% from older or farther reports
    6% from the long-run background
    """
    d = np.hypot(src.x - x, src.y - y)
    part = np.zeros(len(d))
    near = d < radius_km + 12.0 * src.sd         # beyond: a mass below 1e-30 of the source's
    part[near] = src.mass[near] * disc_mass(d[near], radius_km, src.sd[near])
    total = float(part.sum())
    trig = src.kind > 0
    rn = trig & (src.age_days <= recent_days) & (d <= near_km)
    shares = [float(part[rn].sum()), float(part[trig & ~rn].sum()), float(part[~trig].sum())]
    shares = [s / total if total > 0 else 0.0 for s in shares]
    where_phrase = where if isinstance(where, Phrase) else (Phrase(N_("{where}"), where=Raw(where)) if where else None)
    fields = dict(amount=Num(total, amount_digits(total)), days=Num(horizon_days, None),
                  recent=Pct(round(shares[0], 2)), span=_days_words(recent_days), near=Num(near_km, None),
                  older=Pct(round(shares[1], 2)), background=Pct(round(shares[2], 2)))
    if where_phrase is not None:
        phrase = Phrase(N_("{amount} serious events expected in the next {days} days {where}; {recent} from {span} "
                           "reports within {near} km, {older} from older or farther reports, {background} from the "
                           "long-run background"), where=where_phrase, **fields)
    else:
        phrase = Phrase(N_("{amount} serious events expected in the next {days} days; {recent} from {span} reports "
                           "within {near} km, {older} from older or farther reports, {background} from the long-run "
                           "background"), **fields)
    if model_words:
        words = model_words if isinstance(model_words, Phrase) else Phrase(N_("{where}"), where=Raw(model_words))
        phrase = (Phrase(N_("{forecast} (model {model})"), forecast=phrase, model=words) if model_source == "fitted"
                  else Phrase(N_("{forecast} ({model})"), forecast=phrase, model=words))
    elif model_source != "fitted":
        phrase = Phrase(N_("{forecast} (default model parameters: too few serious events to fit)"), forecast=phrase)
    text = render_one(phrase, _ENGLISH)
    return ExpectedExplanation(total, shares[0], shares[1], shares[2], recent_days, near_km, horizon_days,
                               model_source, text, phrase)

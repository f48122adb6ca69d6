"""Plain-language explanations of hotspot scores and site risks.

Each explanation says which alerts, what changed, compared with what, who is
exposed, what presence is there and what is missing. They are plain text;
whoever renders them escapes them.
"""

from __future__ import annotations

import math

import numpy as np

from ..vocab import CATEGORIES, COMPONENTS


def _n(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def _p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def trend_word(tau: float, p_up: float) -> str:
    """``rising`` / ``steady`` / ``falling`` from a Mann-Kendall result.

    Examples
    --------
    >>> trend_word(0.8, 0.01), trend_word(0.1, 0.4), trend_word(-0.6, 0.99)
    ('rising', 'steady', 'falling')
    """
    if tau > 0 and p_up < 0.1:
        return "rising"
    if tau < 0 and p_up > 0.9:
        return "falling"
    return "steady"


def categories_phrase(categories: np.ndarray) -> str:
    """``"3 killing, 1 abduction"``: counts by category, most frequent first."""
    if len(categories) == 0:
        return "no categorised reports"
    vals, counts = np.unique(categories, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return ", ".join(f"{counts[i]} {CATEGORIES.get(vals[i], vals[i]).lower()}" for i in order[:4])


def merged_phrase(n_reports: float, n_incidents: float) -> str:
    """``"3 reports merged as one incident"``: linked reports of one incident, each incident counted once
    with its gravest report (empty when nothing was merged).

    Examples
    --------
    >>> merged_phrase(3, 1), merged_phrase(7, 3), merged_phrase(0, 0)
    ('3 reports merged as one incident (counted once, with its gravest report)', '7 reports merged as 3 incidents (each counted once, with its gravest report)', '')
    """
    r, k = int(round(float(n_reports or 0))), int(round(float(n_incidents or 0)))
    if r < 2 or k < 1:
        return ""
    if k == 1:
        return f"{r} reports merged as one incident (counted once, with its gravest report)"
    return f"{r} reports merged as {k} incidents (each counted once, with its gravest report)"


def missing_phrase(gap: list) -> str:
    """``"police, civilian staff and liaison assistants"``."""
    names = {"military": "military", "police": "police", "civilian": "civilian staff", "cla": "liaison assistants (CLA)"}
    words = [names[g] for g in gap]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def dismounted_phrase(row: dict, config) -> str:
    """Hours of dismounted patrol within ``patrol_km`` in the last ``patrol_recent_days`` (issue #14).

    Examples
    --------
    >>> c = type("C", (), {"patrol_km": 10, "patrol_recent_days": 14})()
    >>> dismounted_phrase({"dismounted_hours": 0.0}, c)
    'No dismounted patrol within 10 km in the last 14 days.'
    >>> dismounted_phrase({"dismounted_hours": 3.46}, c)
    'Dismounted patrol time within 10 km in the last 14 days: 3.5 h.'
    """
    km, days = _n(float(getattr(config, "patrol_km", 10))), int(getattr(config, "patrol_recent_days", 14))
    hours = float(row.get("dismounted_hours") or 0.0)
    if not hours > 0:
        return f"No dismounted patrol within {km} km in the last {days} days."
    return f"Dismounted patrol time within {km} km in the last {days} days: {hours:.1f} h."


def engagement_phrase(row: dict, config) -> str:
    """The last engagement logged near the place, and how many recently (issue #14).

    Examples
    --------
    >>> c = type("C", (), {"patrol_km": 10, "patrol_recent_days": 14})()
    >>> engagement_phrase({"last_engagement_days": 23.0, "last_engagement_activity": "community_meeting",
    ...     "last_engagement_component": "civil_affairs", "logged_engagements": 0}, c).split("; ")
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Last engagement with the communities here 23 day(s) ago (community meeting, civil affairs)',
     'none logged in the last 14 days.']
    >>> engagement_phrase({"last_engagement_days": float("nan")}, c)
    'No engagement with the communities within 10 km in the engagement log.'
    """
    from ..vocab import ENGAGEMENT_ACTIVITIES, ENGAGEMENT_COMPONENTS

    km, days = _n(float(getattr(config, "patrol_km", 10))), int(getattr(config, "patrol_recent_days", 14))
    last = row.get("last_engagement_days")
    if last is None or (isinstance(last, float) and math.isnan(last)):
        return f"No engagement with the communities within {km} km in the engagement log."
    activity = ENGAGEMENT_ACTIVITIES.get(row.get("last_engagement_activity"), str(row.get("last_engagement_activity")))
    comp = ENGAGEMENT_COMPONENTS.get(row.get("last_engagement_component"), str(row.get("last_engagement_component")))
    n = int(row.get("logged_engagements") or 0)
    recent = f"{n} logged in the last {days} days" if n else f"none logged in the last {days} days"
    return (f"Last engagement with the communities here {float(last):.0f} day(s) ago ({activity.lower()}, "
            f"{comp.lower()}); {recent}.")


def hotspot(row: dict, config) -> str:
    """The explanation of one hotspot (a dict of its properties and components).

    It starts with why the place is listed, in the words of its trend label:
    "Rising: ..." for a place the engine labels rising, "Persistent, not
    rising: ..." for the others.

    Examples
    --------
    >>> row = dict(place="Alindao", n_alerts=6, effective=5.0, categories=np.array(["killing"] * 6), killed=9,
    ...     days=5, recent=5.0, base=0.0, baseline_days=180, rate_ratio=60.0, p_rise=1e-5, tau=0.8, p_trend=0.01,
    ...     discounted=1.0, exposed_sites=["Alindao IDP site"], exposed_pop=18000.0, presence_known=True,
    ...     present=["military"], gap=["police", "civilian", "cla"], last_dismounted_days=float("nan"),
    ...     engagements=0, patrols_known=True, flagged=True, score=71.0)
    >>> "missing police, civilian staff and liaison assistants" in hotspot(row, type("C", (), {"window_days": 30})())
    True
    """
    w = int(config.window_days)
    parts = [f"{row['n_alerts']} alert(s) reported near {row['place']} in the last {w} days "
             f"({categories_phrase(row['categories'])}; {_n(row['killed'])} killed) on {int(row['days'])} "
             f"distinct day(s)"]
    merged = merged_phrase(row.get("merged_reports", 0), row.get("merged_incidents", 0))
    if merged:
        parts[-1] += f"; {merged}"
    if row.get("discounted", 0) > 0.5:
        parts[-1] += (f"; duplicates, one-source bursts and coarse locations count as {_n(row['effective'])} "
                      "report(s)")
    parts[-1] += "."
    if row["n_alerts"] == 0:
        parts[-1] = (f"No alert reported near {row['place']} in the last {w} days; the area is kept from earlier "
                     f"activity, which fades with time.")
    if row["baseline_days"] > 0:
        parts.append(f"Compared with {_n(row['base'])} in the previous {int(row['baseline_days'])} days in the same "
                     f"area, the rate is x{row['rate_ratio']:.1f} (Poisson test {_p(row['p_rise'])}).")
        low = max(float(row.get("rate_ratio_low", 0.0)), float(row.get("short_ratio_low", 0.0)))
        conf = int(round(100 * getattr(config, "escalation_confidence", 0.9)))
        if low > 1.0:
            short = float(row.get("short_ratio_low", 0.0)) > float(row.get("rate_ratio_low", 0.0))
            span = f"Over the last {int(getattr(config, 'short_window_days', 21))} days" if short else "Recently"
            parts.append(f"{span} the rate is at least x{low:.1f} the baseline ({conf} % confidence, "
                         "each day counting at most a few reports).")
        elif row["rate_ratio"] < 1.0:
            parts.append("Falling or steady: no confident rise above the baseline.")
        else:
            parts.append("No confident rise above the baseline.")
    else:
        parts.append("No earlier history in the data to compare with.")
    word = trend_word(row["tau"], row["p_trend"])
    parts.append(f"Weekly counts are {word} (Mann-Kendall tau {row['tau']:+.2f}, {_p(row['p_trend'])}).")
    if row["exposed_sites"]:
        sites = ", ".join(row["exposed_sites"][:3]) + (" and others" if len(row["exposed_sites"]) > 3 else "")
        parts.append(f"{int(row['exposed_pop']):,} people in IDP sites nearby ({sites}).")
    if not row["presence_known"]:
        parts.append("Presence not assessed: no presence layer given.")
    else:
        present = [COMPONENTS[c].lower() for c in row["present"]]
        if row.get("by_road"):
            hours = row.get("hours") or {}
            present = [f"{COMPONENTS[c].lower()} ({hours.get(c, float('nan')):.1f} h by road)" for c in row["present"]]
            far = [f"{COMPONENTS[c].lower()} {hours[c]:.1f} h" for c in row["gap"]
                   if hours.get(c) is not None and hours[c] == hours[c]]
            parts.append("Presence within reach: " + (", ".join(present) if present else "none") + "."
                         + (f" Nearest by road beyond reach: {', '.join(far)}." if far else ""))
        else:
            parts.append("Presence within reach: " + (", ".join(present) if present else "none") + ".")
        if row["gap"]:
            parts.append(f"Not multidimensional: missing {missing_phrase(row['gap'])}.")
        if "cla" in row["gap"] and row.get("cla_patrols", 0) > 0:
            parts.append(f"A liaison assistant came by on {int(row['cla_patrols'])} patrol(s) in the last "
                         f"{int(getattr(config, 'patrol_recent_days', 14))} days (not a standing presence).")
    if row.get("patrols_known"):
        last = row["last_dismounted_days"]
        if last is None or (isinstance(last, float) and math.isnan(last)):
            parts.append("No dismounted patrol recorded nearby.")
        else:
            parts.append(f"Last dismounted patrol nearby {last:.0f} day(s) ago; "
                         f"{int(row['engagements'])} community engagement(s) in the last "
                         f"{int(getattr(config, 'patrol_recent_days', 14))} days.")
            parts.append(dismounted_phrase(row, config))
    if row.get("engagements_known"):
        parts.append(engagement_phrase(row, config))
    if row.get("rising", True):
        # The lead says why the place is listed, in the words of its trend label: the engine's rising label.
        why = []
        if row["baseline_days"] > 0 and max(float(row.get("rate_ratio_low", 0.0)),
                                            float(row.get("short_ratio_low", 0.0))) > 1.0:
            why.append("a confident rise above its baseline")
        if word == "rising":
            why.append("rising weekly counts")
        lead = "Rising: listed for a rise in tension" + (f" ({' and '.join(why)})" if why else "")
        if (row.get("p_rising") is not None and row.get("tested_areas", 0) > 1
                and getattr(config, "rising_fdr", None) is not None):
            lead += (f"; {_p(float(row['p_rising']))} holds with {int(row['tested_areas'])} places tested at once "
                     "(false discovery control)")
        parts.insert(0, lead + ".")
    else:
        parts.insert(0, f"Persistent, not rising: listed as one of the most persistently active areas of the last "
                        f"{int(row.get('persistent_days', w))} days (decayed activity "
                        f"{_n(float(row.get('persistence', 0.0)))}), not for a rise in tension.")
        if row.get("tested_areas", 0) > 1 and row.get("p_rising", 1.0) < 0.1:
            parts.append(f"Its rise (p={row['p_rising']:.3f}) is not counted as rising: with "
                         f"{int(row['tested_areas'])} places tested at once, a rise this weak is expected somewhere "
                         "by chance (false discovery control).")
    if row.get("expected_text"):   # the self-exciting forecast (ewarning.forecast.areas), one sentence
        parts.append(row["expected_text"][0].upper() + row["expected_text"][1:] + ".")
    if row.get("flagged"):
        parts.append(f"FLAGGED: tension {row['score']:.0f}/100 with no multidimensional presence.")
    return " ".join(parts)


def site(row: dict) -> str:
    """The explanation of one watched IDP site.

    Examples
    --------
    >>> site(dict(name="Alindao", population=18000, n_nearby=4, killed=7, km=30, days=90, presence_known=True,
    ...     present=["military"], gap=["police", "civilian", "cla"]))[:30]
    'Alindao (18,000 people): 4 arm'
    """
    pop = f"{int(row['population']):,} people" if row.get("population") and row["population"] == row["population"] \
        else "population unknown"
    text = (f"{row['name']} ({pop}): {row['n_nearby']} armed-activity report(s) within {int(row['km'])} km in the "
            f"last {int(row['days'])} days ({_n(row['killed'])} killed).")
    if not row["presence_known"]:
        return text + " Presence not assessed: no presence layer given."
    present = [COMPONENTS[c].lower() for c in row["present"]]
    text += " Presence within reach: " + (", ".join(present) if present else "none") + "."
    if row["gap"]:
        text += f" Missing {missing_phrase(row['gap'])}."
    return text


def explanation_in(row, t=None) -> str:
    """A hotspot's or site's explanation in ``t``'s language (English when ``t`` is None).

    ``row`` is a table row or dict with ``explanation`` (the English) and,
    from the engine, ``explanation_phrases`` (:mod:`ewarning.i18n.phrases`): the
    other language is rendered from the same phrases, so it carries the same figures.
    """
    from ..i18n.phrases import render

    phrases = row.get("explanation_phrases") if hasattr(row, "get") else None
    if t is None or getattr(t, "locale", "en") == "en" or not isinstance(phrases, (list, tuple)):
        return row["explanation"]
    return render(phrases, t)

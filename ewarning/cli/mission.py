"""Mission commands: ``mission show`` and ``mission set`` (the store's mission area and number locale).

The mission area (``min_lon, min_lat, max_lon, max_lat``) is what lets an
import catch swapped coordinates that are both inside the valid range (lat
20.6, lon 4.8 for a report from Bambari) and points far outside the
mission; the locale (``fr``, ``en``, ``fr_CF``...) settles numbers such as
``18.000`` that a file leaves ambiguous (:func:`ewarning.validation.read_numbers`).
Both live in the store's settings, so every import into the store uses them.

- ``mission set --bbox MINLON,MINLAT,MAXLON,MAXLAT``: a box in degrees, at
  most :data:`MAX_SIDE_DEGREES` on a side;
- ``mission set --country [NAME|ISO3]``: the box around a country outline
  of the shipped basemap (``geodata/basemap/countries.geojson``), widened
  by ``--margin`` degrees (default :data:`COUNTRY_MARGIN`) so reports just
  across a border are kept; without a name, the host country (the one
  holding most of the shipped towns);
- ``mission set --locale fr``;
- ``mission show``.

A value already set is changed only with ``--replace``; a refused command
changes nothing. Every change is appended to the store's audit log with who
made it (:func:`ewarning.config.current_user`, read here at the edge).
"""

from __future__ import annotations

import json
import math
import re

from ..config import GEODATA, MISSION_LOCALE_SETTING, current_user
from ..store import open_store
from .errors import EXIT_OK, InputError

#: Store setting holding the mission area as a JSON list (read by :mod:`ewarning.importing`).
AREA_SETTING = "mission_bbox"
#: Store setting saying where the area came from (shown by ``mission show``).
AREA_SOURCE_SETTING = "mission_area_source"
#: Largest side of a mission area, in degrees: a bigger box lets swapped coordinates through unseen.
MAX_SIDE_DEGREES = 40.0
#: Degrees added around a country outline by ``--country`` (about 55 km: reports just across a border are kept).
COUNTRY_MARGIN = 0.5
COUNTRIES = GEODATA / "basemap" / "countries.geojson"
TOWNS = GEODATA / "basemap" / "towns.geojson"
_HOST = object()  # ``--country`` given without a name
_BBOX_FORM = "write MINLON,MINLAT,MAXLON,MAXLAT in degrees, e.g. 14.4,2.2,27.5,11.2"
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?(?:\.[A-Za-z0-9-]+)?(?:@[A-Za-z0-9]+)?")


def add_commands(sub, store_help: str) -> None:
    """Register ``mission show`` and ``mission set`` on ``sub`` (an argparse sub-parser object)."""
    p = sub.add_parser("mission", help="the store's mission area and number locale (show, set)")
    actions = p.add_subparsers(dest="mission_command", required=True, metavar="ACTION")

    show = actions.add_parser("show", help="print the mission area and locale, or how to set them")
    show.add_argument("--store", help=store_help)
    show.set_defaults(func=cmd_show)

    s = actions.add_parser("set", help="set the mission area (--bbox or --country) and/or the locale")
    s.add_argument("--store", help=store_help)
    area = s.add_mutually_exclusive_group()
    area.add_argument("--bbox", metavar="MINLON,MINLAT,MAXLON,MAXLAT",
                      help="the mission area in degrees (west of Greenwich: --bbox=-74.5,17.9,-71.6,20.1)")
    area.add_argument("--country", nargs="?", const=_HOST, metavar="NAME|ISO3",
                      help="the box around a country of the shipped basemap (default: the host country)")
    s.add_argument("--margin", type=float, default=None, metavar="DEGREES",
                   help=f"with --country: degrees added on each side (default {COUNTRY_MARGIN})")
    s.add_argument("--locale", metavar="LOCALE",
                   help="the mission's number locale (fr, en, fr_CF...): fr reads '18.000' as 18000")
    s.add_argument("--replace", action="store_true", help="change a value already set")
    s.set_defaults(func=cmd_set)


# -- checking what the user gives ------------------------------------------------------------------------
def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``MINLON,MINLAT,MAXLON,MAXLAT`` as four floats, or :class:`InputError` saying what is wrong."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise _bbox_error(text, f"expected four numbers, got {len(parts)}")
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise _bbox_error(text, f"'{part}' is not a number")
        values.append(value)
    return check_bbox(tuple(values), text)


def check_bbox(box, text: str | None = None) -> tuple[float, float, float, float]:
    """``box`` if it is a usable mission area, else :class:`InputError` (``text``: as the user wrote it)."""
    x0, y0, x1, y1 = box
    text = text if text is not None else ",".join(_num(v) for v in box)
    for name, value, limit in (("longitude", x0, 180), ("latitude", y0, 90), ("longitude", x1, 180),
                               ("latitude", y1, 90)):
        if abs(value) > limit:
            raise _bbox_error(text, f"{name} {_num(value)} is outside [-{limit}, {limit}]")
    for low, high, axis in ((x0, x1, "LON"), (y0, y1, "LAT")):
        if not low < high:
            raise _bbox_error(text, f"MIN{axis} {_num(low)} must be less than MAX{axis} {_num(high)}")
    for side, size in (("wide", x1 - x0), ("high", y1 - y0)):
        if size > MAX_SIDE_DEGREES:
            raise _bbox_error(text, f"the box is {_num(size)}° {side}, more than {_num(MAX_SIDE_DEGREES)}° on a "
                                    "side: a mission area that large lets swapped coordinates through unseen")
    return (float(x0), float(y0), float(x1), float(y1))


def _bbox_error(text: str, problem: str) -> InputError:
    return InputError(f"--bbox '{text}': {problem}; {_BBOX_FORM}")


def check_locale(text: str) -> str:
    """The locale as given (trimmed) if it looks like one (``fr``, ``fr_CF``, ``en-GB``), else :class:`InputError`."""
    value = str(text).strip()
    if not _LOCALE.fullmatch(value):
        raise InputError(f"--locale: '{text}' is not a locale; write a language code such as fr, en or fr_CF")
    return value


def describe_locale(locale: str) -> str:
    """What the locale means for numbers, in words."""
    from ..validation import DECIMAL_COMMA_LANGUAGES

    language = re.split(r"[_\-.@]", locale)[0].lower()
    if language in DECIMAL_COMMA_LANGUAGES:
        return f"{locale} (decimal comma: '18.000' reads as 18000, '4,5' as 4.5)"
    return f"{locale} (decimal point: '18,000' reads as 18000; '18.000' stays ambiguous and is quarantined)"


# -- the shipped basemap ---------------------------------------------------------------------------------
def basemap_countries() -> list[dict]:
    """The shipped country outlines: ``name``, ``iso_a3`` and ``geometry`` (a shapely shape) each."""
    from shapely.geometry import shape

    with open(COUNTRIES, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return [{"name": str(f["properties"].get("name", "")), "iso_a3": str(f["properties"].get("iso_a3", "")),
             "geometry": shape(f["geometry"])} for f in features if f.get("geometry")]


def find_country(countries: list[dict], name=_HOST) -> dict:
    """The country called ``name`` (its name or ISO code, any case); by default the host country.

    The host country is the one holding most of the shipped towns, as the
    basemap draws it (:func:`ewarning.render.maps.basemap_layer`).
    """
    if name is _HOST:
        from shapely.geometry import shape

        with open(TOWNS, encoding="utf-8") as fh:
            towns = [shape(f["geometry"]) for f in json.load(fh)["features"] if f.get("geometry")]
        return max(countries, key=lambda c: sum(c["geometry"].covers(t) for t in towns))
    wanted = str(name).strip().casefold()
    for country in countries:
        if wanted in (country["name"].casefold(), country["iso_a3"].casefold()):
            return country
    known = ", ".join(f"{c['name']} ({c['iso_a3']})" for c in countries)
    raise InputError(f"--country: '{name}' is not in the shipped basemap; it has {known}; "
                     "for another country give its box with --bbox MINLON,MINLAT,MAXLON,MAXLAT")


def country_bbox(country: dict, margin: float = COUNTRY_MARGIN) -> tuple[float, float, float, float]:
    """The box around ``country``'s outline, ``margin`` degrees wider on each side (kept in range)."""
    x0, y0, x1, y1 = country["geometry"].bounds
    box = (max(-180.0, x0 - margin), max(-90.0, y0 - margin), min(180.0, x1 + margin), min(90.0, y1 + margin))
    return check_bbox(tuple(round(v, 4) for v in box))


# -- reading what the store holds ------------------------------------------------------------------------
def stored_bbox(store) -> list[float] | str | None:
    """The store's mission area as a list, the raw text when it cannot be read, or None."""
    text = store.get_setting(AREA_SETTING)
    if text is None:
        return None
    try:
        box = [float(v) for v in json.loads(text)]
    except (ValueError, TypeError):
        return text
    return box if len(box) == 4 else text


def describe_bbox(box) -> str:
    if isinstance(box, str):
        return f"unreadable setting {AREA_SETTING}={box!r}; set one with --replace"
    x0, y0, x1, y1 = box
    return (f"longitude {_num(x0)} to {_num(x1)}, latitude {_num(y0)} to {_num(y1)} "
            f"(--bbox {','.join(_num(v) for v in box)})")


def _num(value: float) -> str:
    return format(float(value), ".10g")


# -- the commands ----------------------------------------------------------------------------------------
def cmd_show(args) -> int:
    store = open_store(args.store)
    print(f"store: {store.location}")
    name = store.get_setting("mission_name")
    if name:
        print(f"mission: {name}")
    box = stored_bbox(store)
    if box is None:
        print("mission area: no mission area set: swapped coordinates inside the valid range cannot be caught; "
              "set one with python -m ewarning mission set --country (the host country of the shipped basemap) "
              "or python -m ewarning mission set --bbox MINLON,MINLAT,MAXLON,MAXLAT")
    else:
        print(f"mission area: {describe_bbox(box)}")
        source = store.get_setting(AREA_SOURCE_SETTING)
        if source:
            print(f"  from: {source}")
    locale = store.get_setting(MISSION_LOCALE_SETTING)
    if locale:
        print(f"number locale: {describe_locale(locale)}")
    else:
        print("number locale: none set; a number such as '18.000' is quarantined as ambiguous unless the file "
              "writes decimal commas. Set one with: python -m ewarning mission set --locale fr")
    return EXIT_OK


def cmd_set(args) -> int:
    if args.bbox is None and args.country is None and args.locale is None:
        raise InputError("mission set: give --bbox, --country or --locale (python -m ewarning mission set -h)")
    if args.margin is not None and args.country is None:
        raise InputError("--margin applies to --country only")
    if args.margin is not None and not 0 <= args.margin <= 5:
        raise InputError(f"--margin {_num(args.margin)}: give 0 to 5 degrees")
    # Everything is checked before anything is written: a refused command changes nothing.
    area = source = None
    if args.bbox is not None:
        area, source = parse_bbox(args.bbox), "--bbox"
    elif args.country is not None:
        margin = COUNTRY_MARGIN if args.margin is None else args.margin
        country = find_country(basemap_countries(), args.country)
        area = country_bbox(country, margin)
        source = (f"{country['name']} ({country['iso_a3']}) outline in the shipped basemap, "
                  f"with a {_num(margin)}° margin")
    locale = check_locale(args.locale) if args.locale is not None else None

    store = open_store(args.store)
    old_area, old_locale = stored_bbox(store), store.get_setting(MISSION_LOCALE_SETTING)
    new_area = area is not None and old_area != list(area)
    new_locale = locale is not None and old_locale != locale
    if not args.replace:
        if new_area and old_area is not None:
            shown = describe_bbox(old_area) if not isinstance(old_area, str) else repr(old_area)
            raise InputError(f"the store already has a mission area ({shown}); add --replace to change it")
        if new_locale and old_locale is not None:
            raise InputError(f"the store's number locale is already '{old_locale}'; add --replace to change it")
    user = current_user()
    print(f"store: {store.location}")
    if area is not None:
        if new_area:
            store.set_setting(AREA_SETTING, json.dumps(list(area)))
            store.set_setting(AREA_SOURCE_SETTING, source)
            store.record("mission_area", json.dumps({"bbox": list(area), "source": source, "previous": old_area},
                                                    ensure_ascii=False), user=user)
            print(f"mission area set: {describe_bbox(area)}")
            print(f"  from: {source}")
        else:
            print(f"mission area unchanged: {describe_bbox(area)}")
    if locale is not None:
        if new_locale:
            store.set_setting(MISSION_LOCALE_SETTING, locale)
            store.record("mission_locale", json.dumps({"locale": locale, "previous": old_locale},
                                                      ensure_ascii=False), user=user)
            print(f"number locale set: {describe_locale(locale)}")
        else:
            print(f"number locale unchanged: {describe_locale(locale)}")
    return EXIT_OK

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
from ..i18n import N_, Translator
from ..store import open_store
from .errors import EXIT_OK, InputError, translator

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
_BBOX_FORM = N_("write MINLON,MINLAT,MAXLON,MAXLAT in degrees, e.g. 14.4,2.2,27.5,11.2")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?(?:\.[A-Za-z0-9-]+)?(?:@[A-Za-z0-9]+)?")


def add_commands(sub, store_help: str, t: Translator | None = None) -> None:
    """Register ``mission show`` and ``mission set`` on ``sub`` (an argparse sub-parser object)."""
    t = t or Translator("en")
    p = sub.add_parser("mission", help=t("the store's mission area and number locale (show, set)"))
    actions = p.add_subparsers(dest="mission_command", required=True, metavar="ACTION")

    show = actions.add_parser("show", help=t("print the mission area and locale, or how to set them"))
    show.add_argument("--store", help=store_help)
    show.set_defaults(func=cmd_show)

    s = actions.add_parser("set", help=t("set the mission area (--bbox or --country) and/or the locale"))
    s.add_argument("--store", help=store_help)
    area = s.add_mutually_exclusive_group()
    area.add_argument("--bbox", metavar="MINLON,MINLAT,MAXLON,MAXLAT",
                      help=t("the mission area in degrees (west of Greenwich: --bbox=-74.5,17.9,-71.6,20.1)"))
    area.add_argument("--country", nargs="?", const=_HOST, metavar="NAME|ISO3",
                      help=t("the box around a country of the shipped basemap (default: the host country)"))
    s.add_argument("--margin", type=float, default=None, metavar="DEGREES",
                   help=t("with --country: degrees added on each side (default {margin})", margin=COUNTRY_MARGIN))
    s.add_argument("--locale", metavar="LOCALE",
                   help=t("the mission's number locale (fr, en, fr_CF...): fr reads '18.000' as 18000"))
    s.add_argument("--replace", action="store_true", help=t("change a value already set"))
    s.set_defaults(func=cmd_set)


# -- checking what the user gives ------------------------------------------------------------------------
def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``MINLON,MINLAT,MAXLON,MAXLAT`` as four floats, or :class:`InputError` saying what is wrong."""
    parts = [p.strip() for p in str(text).split(",")]
    t = translator()
    if len(parts) != 4:
        raise _bbox_error(text, t("expected four numbers, got {n}", n=len(parts)))
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise _bbox_error(text, t("'{part}' is not a number", part=part))
        values.append(value)
    return check_bbox(tuple(values), text)


def check_bbox(box, text: str | None = None) -> tuple[float, float, float, float]:
    """``box`` if it is a usable mission area, else :class:`InputError` (``text``: as the user wrote it)."""
    x0, y0, x1, y1 = box
    text = text if text is not None else ",".join(_num(v) for v in box)
    t = translator()
    for value, limit, out in ((x0, 180, N_("longitude {value} is outside [-{limit}, {limit}]")),
                              (y0, 90, N_("latitude {value} is outside [-{limit}, {limit}]")),
                              (x1, 180, N_("longitude {value} is outside [-{limit}, {limit}]")),
                              (y1, 90, N_("latitude {value} is outside [-{limit}, {limit}]"))):
        if abs(value) > limit:
            raise _bbox_error(text, t(out, value=_num(value), limit=limit))
    for low, high, axis in ((x0, x1, "LON"), (y0, y1, "LAT")):
        if not low < high:
            raise _bbox_error(text, t("MIN{axis} {low} must be less than MAX{axis} {high}", axis=axis,
                                      low=_num(low), high=_num(high)))
    for size, too_big in ((x1 - x0, N_("the box is {size}° wide, more than {most}° on a side: a mission area that "
                                       "large lets swapped coordinates through unseen")),
                          (y1 - y0, N_("the box is {size}° high, more than {most}° on a side: a mission area that "
                                       "large lets swapped coordinates through unseen"))):
        if size > MAX_SIDE_DEGREES:
            raise _bbox_error(text, t(too_big, size=_num(size), most=_num(MAX_SIDE_DEGREES)))
    return (float(x0), float(y0), float(x1), float(y1))


def _bbox_error(text: str, problem: str) -> InputError:
    t = translator()
    return InputError(t("--bbox '{text}': {problem}; {form}", text=text, problem=problem, form=t(_BBOX_FORM)))


def check_locale(text: str) -> str:
    """The locale as given (trimmed) if it looks like one (``fr``, ``fr_CF``, ``en-GB``), else :class:`InputError`."""
    value = str(text).strip()
    if not _LOCALE.fullmatch(value):
        t = translator()
        raise InputError(t("--locale: '{text}' is not a locale; write a language code such as fr, en or fr_CF",
                           text=text))
    return value


def describe_locale(locale: str) -> str:
    """What the locale means for numbers, in words."""
    from ..validation import DECIMAL_COMMA_LANGUAGES

    language = re.split(r"[_\-.@]", locale)[0].lower()
    t = translator()
    if language in DECIMAL_COMMA_LANGUAGES:
        return t("{locale} (decimal comma: '18.000' reads as 18000, '4,5' as 4.5)", locale=locale)
    return t("{locale} (decimal point: '18,000' reads as 18000; '18.000' stays ambiguous and is quarantined)",
             locale=locale)


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
    t = translator()
    raise InputError(t("--country: '{name}' is not in the shipped basemap; it has {known}; for another country give "
                       "its box with --bbox MINLON,MINLAT,MAXLON,MAXLAT", name=name, known=known))


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
    t = translator()
    if isinstance(box, str):
        return t("unreadable setting {setting}={value}; set one with --replace", setting=AREA_SETTING,
                 value=repr(box))
    x0, y0, x1, y1 = box
    return t("longitude {west} to {east}, latitude {south} to {north} (--bbox {bbox})", west=_num(x0),
             east=_num(x1), south=_num(y0), north=_num(y1), bbox=",".join(_num(v) for v in box))


def _num(value: float) -> str:
    return format(float(value), ".10g")


# -- the commands ----------------------------------------------------------------------------------------
def cmd_show(args) -> int:
    t = translator()
    store = open_store(args.store)
    print(t("store: {location}", location=store.location))
    name = store.get_setting("mission_name")
    if name:
        print(t("mission: {name}", name=name))
    box = stored_bbox(store)
    if box is None:
        print(t("mission area: no mission area set: swapped coordinates inside the valid range cannot be caught; "
                "set one with python -m ewarning mission set --country (the host country of the shipped basemap) "
                "or python -m ewarning mission set --bbox MINLON,MINLAT,MAXLON,MAXLAT"))
    else:
        print(t("mission area: {area}", area=describe_bbox(box)))
        source = store.get_setting(AREA_SOURCE_SETTING)
        if source:
            print("  " + t("from: {source}", source=source))
    locale = store.get_setting(MISSION_LOCALE_SETTING)
    if locale:
        print(t("number locale: {locale}", locale=describe_locale(locale)))
    else:
        print(t("number locale: none set; a number such as '18.000' is quarantined as ambiguous unless the file "
                "writes decimal commas. Set one with: python -m ewarning mission set --locale fr"))
    return EXIT_OK


def cmd_set(args) -> int:
    t = translator()
    if args.bbox is None and args.country is None and args.locale is None:
        raise InputError(t("mission set: give --bbox, --country or --locale (python -m ewarning mission set -h)"))
    if args.margin is not None and args.country is None:
        raise InputError(t("--margin applies to --country only"))
    if args.margin is not None and not 0 <= args.margin <= 5:
        raise InputError(t("--margin {margin}: give 0 to 5 degrees", margin=_num(args.margin)))
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
            raise InputError(t("the store already has a mission area ({area}); add --replace to change it",
                               area=shown))
        if new_locale and old_locale is not None:
            raise InputError(t("the store's number locale is already '{locale}'; add --replace to change it",
                               locale=old_locale))
    user = current_user()
    print(t("store: {location}", location=store.location))
    if area is not None:
        if new_area:
            store.set_setting(AREA_SETTING, json.dumps(list(area)))
            store.set_setting(AREA_SOURCE_SETTING, source)
            store.record("mission_area", json.dumps({"bbox": list(area), "source": source, "previous": old_area},
                                                    ensure_ascii=False), user=user)
            print(t("mission area set: {area}", area=describe_bbox(area)))
            print("  " + t("from: {source}", source=source))
        else:
            print(t("mission area unchanged: {area}", area=describe_bbox(area)))
    if locale is not None:
        if new_locale:
            store.set_setting(MISSION_LOCALE_SETTING, locale)
            store.record("mission_locale", json.dumps({"locale": locale, "previous": old_locale},
                                                      ensure_ascii=False), user=user)
            print(t("number locale set: {locale}", locale=describe_locale(locale)))
        else:
            print(t("number locale unchanged: {locale}", locale=describe_locale(locale)))
    return EXIT_OK

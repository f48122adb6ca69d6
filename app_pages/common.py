"""What every page shares: cached loaders keyed by the store's state, the filters, safe HTML.

Loaders take the store location and :meth:`Store.state_token` so a cache
entry is dropped as soon as stored data changes (an import, a triage edit)
and reused otherwise; audit writes do not change the token, so recording a
view never empties a cache. The filters live in ``st.session_state`` (set by
the sidebar in ``dashboard.py``) and every page applies them through
:mod:`ewarning.filters`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from ewarning import filters as flt
from ewarning import views, vocab
from ewarning.auth import PermissionDenied, SessionExpired, SessionPolicy, User, authenticate, load_user, open_session, require, touch
from ewarning.auth.sessions import account_disabled
from ewarning.auth.audit import record_refusal
from ewarning.config import GEODATA, session_idle_minutes
from ewarning.i18n import N_, Translator
from ewarning.security import escape
from ewarning.store import open_store

LAYERS = ("alerts", "sites", "presence", "patrols")
BASEMAP_DIR = GEODATA / "basemap"
FILTERS_KEY = "filters"
AREA_KEY = "f_area"          # the drawn area, as GeoJSON (set by the situation map)
FOCUS_KEY = "hotspot_focus"  # a hotspot to open on the Hotspots page
HOTSPOT_ID = re.compile(r"\bH-\d{8}(?:T\d{4})?-\d+\b")   # H-<as-of day>[T<hhmm>]-<rank>
DEFAULT_WINDOW = "30 days"   # the window a new session opens on (``?window=`` in the URL overrides it)


# -- loaders ---------------------------------------------------------------------
def store_and_token(location: str | None = None) -> tuple[str, str]:
    """The store's location and current state token (cheap: one small query)."""
    store = open_store(location)
    return store.location, store.state_token()


def store():
    """The desk's store (``$EWARNING_STORE``), opened once per call (not once more to read its cache key)."""
    return open_store()


@st.cache_resource(show_spinner=False, max_entries=4)   # the spinner: layers(), in words
def load_layers(location: str, token: str) -> views.Layers:
    """The four domain layers (EPSG:4326, validated columns) and the triage log, as of ``token``.

    Shared, not copied, between runs and sessions (``cache_resource``): views never modify a layer.
    """
    return views.Layers.from_store(open_store(location))


@st.cache_data(show_spinner=False, max_entries=4)
def load_versions(location: str, token: str) -> pd.DataFrame:
    """Latest triage version of every edited alert (the token changes with every edit)."""
    return open_store(location).alert_versions()


@st.cache_data(show_spinner=False, max_entries=2)
def load_basemap(folder: str, mtime: float) -> dict[str, gpd.GeoDataFrame]:
    """The offline boundary layers shipped in ``geodata/basemap``."""
    from ewarning.render.maps import read_basemap

    return read_basemap(folder)


def basemap_stamp() -> tuple[str, float] | None:
    """The basemap folder and its newest file's time (``None`` without a basemap): a cache key."""
    folder = Path(BASEMAP_DIR)
    files = sorted(folder.glob("*.geojson")) if folder.is_dir() else []
    if not files:
        return None
    return str(folder), max(f.stat().st_mtime for f in files)


def basemap() -> dict[str, gpd.GeoDataFrame] | None:
    stamp = basemap_stamp()
    return None if stamp is None else load_basemap(*stamp)


def _in_page() -> bool:
    """True in a page run; False outside one (the start-up warm-up thread: no session, no spinner)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


def layers() -> views.Layers:
    location, token = store_and_token()
    if not _in_page():
        return load_layers(location, token)
    t = translator()
    with st.spinner(t("Loading layers…")):   # shown after half a second: never on a cache hit
        return load_layers(location, token)


@st.cache_resource(show_spinner=False, max_entries=16)   # the spinner: picture(), in words
def load_picture(location: str, token: str, filter_key: str, role: str, _f: flt.Filters, _user: User
                 ) -> views.Picture:
    """The picture as of the filters' end (:func:`ewarning.views.picture`, which checks ``_user`` may view the
    desk), once per store state, scoring filters and role: what a picture shows depends on the role (its
    redaction), not on the name, so analysts share one entry (views never modify it)."""
    return views.picture(load_layers(location, token), _f, _user,
                         towns=(basemap() or {}).get("towns"))   # the basemap's towns name far places


def picture(f: flt.Filters, user: User | None = None) -> views.Picture:
    """What was known at the filters' as-of time, as every page shows it, for ``user`` (default: the
    signed-in user).

    Hiding duplicates never changes a score: one cache entry for both, the
    filters shown (lists hide the duplicates) swapped in.
    """
    user = user or acting_user()
    require(user, "view_desk")   # before the cache: a cached picture is never handed to someone refused
    location, token = store_and_token()
    scoring = f.for_scoring()
    if _in_page():
        t = translator()
        with st.spinner(t("Scoring hotspots…")):
            p = load_picture(location, token, scoring.key(), user.role, scoring, user)
    else:
        p = load_picture(location, token, scoring.key(), user.role, scoring, user)
    return replace(p, user=user.name, filters=f if f.hide_duplicates else p.filters)


@st.cache_resource(show_spinner=False, max_entries=4)   # the spinner: scenario_layers()
def _scenario_layers(name: str, stamp: tuple) -> views.Layers:
    from ewarning.training import scenarios

    return scenarios.load_layers(name)


def scenario_layers(scenario) -> views.Layers:
    """The layers of a library scenario (:class:`ewarning.training.scenarios.Scenario`), loaded once for every
    page and session until one of its files changes (views never modify a layer)."""
    if not _in_page():
        return _scenario_layers(scenario.name, scenario.stamp())
    t = translator()
    with st.spinner(t("Loading the scenario…")):
        return _scenario_layers(scenario.name, scenario.stamp())


def hindsight_hint(p: views.Picture, t: Translator | None = None) -> str | None:
    """The page's hint when today's triage is applied to a past day (None when there is nothing to say)."""
    t = t or Translator()
    if p.edits_after and not p.filters.triage_as_known:
        return t("Tick 'Triage as known then' in the sidebar to see what was known that day.")
    return None


# -- the words every desk page shares (issue #15) ---------------------------------------------------------------
#: The sidebar's windows (``ewarning.filters.WINDOWS`` keys, which stay the widget's values and the URL's).
WINDOW_LABELS = {"7 days": N_("7 days"), "30 days": N_("30 days"), "90 days": N_("90 days"), "1 year": N_("1 year"),
                 "everything": N_("everything")}
#: The situation map header's counts (:attr:`ewarning.views.Situation.counts` keys).
COUNT_LABELS = {"alerts": N_("alerts"), "hotspots": N_("hotspots"), "flagged": N_("flagged"),
                "IDP sites": N_("IDP sites"), "bases": N_("bases"), "patrols": N_("patrols")}
#: The engine's fixed notes, as the pages show them.
NOTES = {
    "recent alerts are too few, duplicated or too coarsely located to form a hotspot":
        N_("recent alerts are too few, duplicated or too coarsely located to form a hotspot"),
    "no presence layer: presence gaps not assessed, nothing flagged":
        N_("no presence layer: presence gaps not assessed, nothing flagged"),
    "no sites layer: IDP exposure not assessed": N_("no sites layer: IDP exposure not assessed"),
    "no presence layer: presence gaps not assessed": N_("no presence layer: presence gaps not assessed"),
}


def trend_in(value, t: Translator | None = None) -> str:
    """A hotspot's trend label (``rising`` / ``persistent, not rising``; the column stays English) in ``t``'s
    language."""
    from ewarning.render.maps import TRENDS

    return (t or Translator()).term(TRENDS, str(value))


def as_of_words(value, t: Translator | None = None) -> str:
    """The as-of time as every screen says it (:func:`ewarning.asof.as_of_words`), in ``t``'s language:
    "as of end of 14 Nov 2018 (UTC)" / "au 14 nov. 2018 en fin de journée (UTC)" (the map's popups say it alike)."""
    from ewarning.render.maps import as_of_words as words

    return words(value, t or Translator())


def area_words(area, t: Translator | None = None) -> str:
    """A drawn area's size: "1,234 km²" / "1 234 km²"."""
    t = t or Translator()
    return t("{km2} km²", km2=t.number(round(flt.area_km2(area)), 0))


def filters_words(f: flt.Filters, t: Translator | None = None) -> str:
    """The filters in one line (:meth:`ewarning.filters.Filters.describe`, the audit log's English), in ``t``'s
    language, for captions."""
    t = t or Translator()
    parts = [as_of_words(f.end, t), t("everything") if f.days is None else t("last {n} days", n=t.number(f.days))]
    for words, codes, table in ((N_("categories: {names}"), f.categories, vocab.CATEGORIES),
                                (N_("channels: {names}"), f.channels, vocab.CHANNELS),
                                (N_("status: {names}"), f.verification, vocab.VERIFICATION)):
        if codes:
            parts.append(t(words, names=", ".join(t.term(table, c) for c in codes)))
    if f.area is not None:
        parts.append(t("drawn area ({size})", size=area_words(f.area, t)))
    if f.hide_duplicates:
        parts.append(t("duplicates hidden"))
    if f.triage_as_known:
        parts.append(t("triage as known then"))
    return separator(t).join(parts)


def separator(t: Translator | None = None) -> str:
    """Between the parts of a caption line: "; " (French: a no-break space before the semicolon)."""
    t = t or Translator()
    return t("; ")


def triage_words(p: views.Picture, t: Translator | None = None) -> str:
    """Which triage the picture shows (:attr:`ewarning.views.Picture.triage_words`), in ``t``'s language."""
    t = t or Translator()
    if p.filters.triage_as_known:
        return t("triage as it stood then")
    if p.edits_after:
        return t("today's triage ({n} edit(s) made later included)", n=t.number(p.edits_after))
    return t("today's triage")


def notes_in(p: views.Picture, t: Translator | None = None) -> list[str]:
    """The picture's notes in ``t``'s language: the engine's phrases rendered (:func:`ewarning.i18n.phrases.said_in`),
    the later-edits note and the fixed notes translated here; any other note stays as the engine wrote it."""
    from ewarning.i18n.phrases import said_in
    from ewarning.views.picture import later_edits_note

    t = t or Translator()
    later = later_edits_note(p.edits_after, p.filters.triage_as_known) if p.edits_after else None
    out = []
    for note in p.notes:
        if getattr(note, "phrase", None) is not None:   # the engine's words, kept as phrases (ewarning.i18n.phrases)
            out.append(said_in(note, t))
        elif later is not None and note == later:
            out.append(t("{n} triage edit(s) were made after the as-of time: undone, as known then.",
                         n=t.number(p.edits_after)) if p.filters.triage_as_known else
                       t("{n} triage edit(s) were made after the as-of time: applied (hindsight).",
                         n=t.number(p.edits_after)))
        else:
            out.append(t(NOTES[note]) if note in NOTES else note)
    return out


# -- the map component, rendered once per state and filters ----------------------------
# The map is drawn by the project's own component (app_pages/map_component.py) from strings folium
# renders in Python. For the situation map those strings depend only on the store's state and the filters,
# so the page caches the strings (never the folium objects, which rendering mutates) and the component
# call only hands them over. tests/test_apptest_pages.py and tests/test_browser.py prove the map draws,
# swaps its live layers in the open map and returns clicks and drawings.

def area_key(area) -> str:
    """A cache key for a drawn area (empty when there is none)."""
    import shapely

    return "" if area is None else shapely.to_wkt(area, rounding_precision=6)


def extent_key(data: views.Layers) -> tuple:
    """The bounds of every stored layer, rounded (a cache key: a triage edit that moves nothing keeps it)."""
    import numpy as np

    boxes = [frame.total_bounds for frame in (data.alerts, data.sites, data.presence, data.patrols)
             if frame is not None and len(frame)]
    if not boxes:
        return ()
    boxes = np.vstack(boxes)
    return tuple(np.round([np.nanmin(boxes[:, 0]), np.nanmin(boxes[:, 1]), np.nanmax(boxes[:, 2]),
                           np.nanmax(boxes[:, 3])], 3).tolist())


@st.cache_resource(show_spinner=False, max_entries=8)
def situation_map_fixed(location: str, extent: tuple, area: str, base_url: str, basemap_key, _data, _area,
                        draw: bool = True, locale: str = "en") -> dict:
    """The situation map's fixed part as component strings (see :func:`ewarning.render.maps.situation_map_parts`).

    Depends only on the extent of the stored layers (the view fits them all), the drawn area and the
    basemap: not on the store's state, so after a triage edit or an import that moves nothing the open map
    is kept (same strings, same map) and only its filtered layers are swapped. ``locale``: the language of the
    legend (part of the key: each language has its own strings).
    """
    from app_pages import map_component
    from ewarning.render import maps

    fixed, _ = maps.situation_map_parts(basemap=basemap(), asset_base_url=base_url, draw=draw, area=_area,
                                        fit=(_data.alerts, _data.sites, _data.presence, _data.patrols),
                                        t=Translator(locale))
    return map_component.fixed_args(fixed)


@st.cache_resource(show_spinner=False, max_entries=16)
def situation_map_live(location: str, token: str, filter_key: str, base_url: str, top: int, _alerts, _sites,
                       _presence, _patrols, _hotspots, locale: str = "en") -> dict:
    """The situation map's filtered layers as component strings, once per store state, filters and language
    (layer names, tooltips, popups and the hotspots' explanations are in words)."""
    from app_pages import map_component
    from ewarning.render import maps
    from ewarning.hotspots import HotspotConfig

    _, live = maps.situation_map_parts(alerts=_alerts, sites=_sites, presence=_presence, patrols=_patrols,
                                       asset_base_url=base_url, hotspots=_hotspots,
                                       reach_km=HotspotConfig().reach_km, heat=True, draw=True, fit=(),
                                       t=Translator(locale))
    return map_component.live_args(live)


def pick_map(t: Translator | None = None) -> dict:
    """An offline map (boundaries and towns) over the stored layers, to pick a location by clicking, as
    component strings (the legend in ``t``'s language, default: the session's)."""
    location, token = store_and_token()
    data = load_layers(location, token)
    # the situation map's fixed part without the drawing tool (its own cache entry: draw is part of the key)
    return situation_map_fixed(location, extent_key(data), "", asset_base(), basemap_stamp(), _data=data, _area=None,
                               draw=False, locale=(t or translator()).locale)


def situation_map_strings(sit: views.Situation, location: str, token: str, t: Translator | None = None
                          ) -> tuple[dict, dict]:
    """The situation map's fixed part and filtered layers as component strings (both cached, shared), in
    ``t``'s language (default English: the warm-up's; pages pass the session's)."""
    locale = (t or Translator()).locale
    f = sit.picture.filters
    base_url = asset_base()
    data = load_layers(location, token)
    fixed = situation_map_fixed(location, extent_key(data), area_key(f.area), base_url, basemap_stamp(),
                                _data=data, _area=f.area, locale=locale)
    live = situation_map_live(location, token, f.key(), base_url, views.MAP_TOP, _alerts=sit.alerts,
                              _sites=sit.sites, _presence=sit.presence, _patrols=sit.patrols,
                              _hotspots=sit.hotspots, locale=locale)
    return fixed, live


def warm_after_edit(f: flt.Filters) -> None:
    """After a triage edit, build in the background what the analyst goes back to: the layers as the store
    now stands, the picture under ``f`` and the situation map's strings (a page asking meanwhile waits for
    them instead of building them twice). Failures are only logged: the page then builds them itself."""
    import logging
    import threading

    user = acting_user()   # read here: the thread has no session
    t = translator()       # the same: the map is built in the language the analyst reads

    def build():
        try:
            location, token = store_and_token()
            situation_map_strings(views.situation(picture(f, user)), location, token, t)
        except Exception:   # the page will try again; never let a background build break the desk
            logging.getLogger("ewarning.desk").exception("building the map after a triage edit failed")

    threading.Thread(target=build, name="ewarning-after-edit", daemon=True).start()


def warm_up(windows=(DEFAULT_WINDOW, "everything")) -> list[str]:
    """Fill the process-wide caches a new session's situation map asks for, before anyone connects.

    Same calls and arguments as a first page run (store location and state
    token, the opening filters with the store's ``default_as_of``, basemap,
    asset base), for the default window and then each other window in
    ``windows`` (``?window=everything`` links). Runs outside any session
    (``serve.py`` calls it in a thread at start-up); returns what it warmed.
    """
    from app_pages import map_component

    from ewarning.i18n import mission_locale

    map_component.component()   # before anything else: pages may already be asking for it
    t = Translator(mission_locale())   # the language of everyone who has not chosen one
    location, token = store_and_token()
    data = load_layers(location, token)
    basemap()
    done = []
    for window in dict.fromkeys(windows):
        f = opening_filters(data.alerts, location, window)
        situation_map_strings(views.situation(picture(f, WARM_UP_USER)), location, token, t)
        done.append(f.describe())
    return done


def folium_component(fixed: dict, live: dict | None, key: str, height: int, returned_objects: list[str]) -> dict:
    """The map of the cached strings of :func:`situation_map_fixed` / :func:`situation_map_live`, drawn by
    :func:`app_pages.map_component.show`: returns ``returned_objects`` (the tooltip of the last clicked
    object, the drawings as GeoJSON features), ``None`` until the user clicks or draws."""
    from app_pages import map_component

    return map_component.show(fixed, live, key=key, height=height, returned_objects=returned_objects)


# -- filters ---------------------------------------------------------------------
def current_filters() -> flt.Filters:
    """The filters set in the sidebar (defaults when a page runs alone)."""
    f = st.session_state.get(FILTERS_KEY)
    if f is None:
        f = flt.default_filters(layers().alerts)
    return f


def default_day(alerts: pd.DataFrame, location: str | None = None):
    """The as-of day the sidebar opens on: the store's ``default_as_of`` setting, else the latest report's day."""
    from ewarning.asof import as_of_day

    default = flt.default_filters(alerts)
    day = as_of_day(default.end)
    # A store may name the day it should open on (the demo opens on the eve
    # of the Alindao attack: what an analyst knew at the end of 14 November).
    opening = open_store(location or store_and_token()[0]).get_setting("default_as_of")
    if opening:
        day = as_of_day(opening)
    return day


def opening_filters(alerts: pd.DataFrame, location: str | None = None, window: str = DEFAULT_WINDOW) -> flt.Filters:
    """The filters a new session starts with (the sidebar untouched, ``?window=`` as given)."""
    return flt.Filters(end=flt.end_of_day(default_day(alerts, location)), days=flt.WINDOWS[window])


def filter_sidebar(alerts: pd.DataFrame, t: Translator | None = None) -> flt.Filters:
    """The sidebar controls shared by every page; stores and returns the filters.

    Untouched, they equal :func:`opening_filters` (what ``serve.py`` warms the caches with). The widgets' values
    are codes (the window's key, vocabulary codes), their labels in ``t``'s language (default: the session's).
    """
    t = t or translator()
    default_day_ = default_day(alerts)
    with st.sidebar:
        st.markdown(t("**Filters** (every page)"))
        day = st.date_input(t("As of (end of day, UTC)"), value=default_day_, key="f_day")
        # ?window=everything (or 7 days, 90 days...) in the URL opens the desk on that window.
        wanted = st.query_params.get("window", DEFAULT_WINDOW)
        index = list(flt.WINDOWS).index(wanted if wanted in flt.WINDOWS else DEFAULT_WINDOW)
        window = st.selectbox(t("Alerts reported in the last"), list(flt.WINDOWS), index=index, key="f_window",
                              format_func=lambda w: t.term(WINDOW_LABELS, w))
        cats = st.multiselect(t("Category"), list(vocab.CATEGORIES), format_func=lambda c: t.term(vocab.CATEGORIES, c),
                              key="f_cat", placeholder=t("all categories"))
        chans = st.multiselect(t("Channel"), list(vocab.CHANNELS), format_func=lambda c: t.term(vocab.CHANNELS, c),
                               key="f_chan", placeholder=t("all channels"))
        ver = st.multiselect(t("Verification"), list(vocab.VERIFICATION),
                             format_func=lambda c: t.term(vocab.VERIFICATION, c), key="f_ver",
                             placeholder=t("any status"))
        dups = st.checkbox(t("Hide reports linked as duplicates"), key="f_dups")
        as_known = st.checkbox(t("Triage as known then"), key="f_as_known",
                               help=t("Score hotspots with the triage (verified, discounted, duplicates, locations) "
                                      "as it stood on the as-of day; later edits are undone. Off: today's triage."))
        area = flt.area_from_geojson(st.session_state.get(AREA_KEY))
        if area is not None:
            st.caption(t("Area drawn on the map: {size}", size=area_words(area, t)))
            st.button(t("Clear drawn area"), key="f_clear_area", on_click=_clear_area)
        else:
            st.caption(t("Area: everywhere (draw a polygon or rectangle on the situation map to narrow it)"))
    f = flt.Filters(end=flt.end_of_day(day or default_day_), days=flt.WINDOWS[window], categories=tuple(cats),
                    channels=tuple(chans), verification=tuple(ver), area=area, hide_duplicates=bool(dups),
                    triage_as_known=bool(as_known))
    st.session_state[FILTERS_KEY] = f
    return f


def _clear_area() -> None:
    st.session_state.pop(AREA_KEY, None)


def set_area(geojson) -> bool:
    """Store a drawn area (GeoJSON features); True when the filter changed."""
    new = flt.area_from_geojson(geojson)
    old = flt.area_from_geojson(st.session_state.get(AREA_KEY))
    if new is None or (old is not None and new.equals(old)):
        return False
    st.session_state[AREA_KEY] = geojson
    return True


# -- sign-in and the acting user ------------------------------------------------------
SESSION_KEY = "_ew_session"       # the signed-in ewarning.auth.Session (this browser tab's only)
SIGN_IN_NOTE_KEY = "_ew_sign_in_note"   # why the sign-in form is shown again (expired, disabled)

#: Who builds the caches at start-up, before anyone signs in (``serve.py``): an analyst's view, held by no
#: account and never written to the audit log (the warm-up reads only).
WARM_UP_USER = User("desk warm-up", "analyst")


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")


def signed_in():
    """The tab's :class:`~ewarning.auth.Session`, renewed by this run, or ``None`` (nobody signed in).

    The account is read again on every run, so disabling it or changing its role takes effect at the next
    click. An expired session or a disabled account ends here: recorded in the audit log, and the sign-in
    form then says why. Nothing is kept in the browser (no cookie, no token): a reload or a new tab signs
    in again.
    """
    session = st.session_state.get(SESSION_KEY)
    if session is None:
        return None
    account = load_user(store(), session.user.name)
    try:
        if account is None or not account.active:
            raise account_disabled(session.user.name)
        session = touch(replace(session, user=account), _now())
    except SessionExpired as ended:
        st.session_state.pop(SESSION_KEY, None)
        st.session_state[SIGN_IN_NOTE_KEY] = ended   # the sign-in form says it in the user's language
        name, code = st.session_state.get(USER_LOCALE_KEY) or (None, None)
        if name == session.user.name and code:
            st.session_state[LOCALE_KEY] = code   # the form opens in the language of who was signed in
        store().record("session ended", str(ended), user=session.user.name)
        return None
    st.session_state[SESSION_KEY] = session
    return session


def sign_in(name: str, password: str) -> None:
    """Check ``name`` and ``password`` (:func:`ewarning.auth.authenticate`: audited, throttled) and open a
    session for this tab; :class:`~ewarning.auth.SignInRefused` otherwise."""
    user = authenticate(store(), name, password, _now())
    st.session_state.pop(SIGN_IN_NOTE_KEY, None)
    st.session_state[SESSION_KEY] = open_session(user, _now(), session_policy())


def session_policy() -> SessionPolicy:
    """The desk's session timeouts (``$EWARNING_SESSION_IDLE_MINUTES`` shortens the idle one)."""
    minutes = session_idle_minutes()
    return SessionPolicy() if minutes is None else SessionPolicy(idle=pd.Timedelta(minutes=minutes))


def sign_out() -> None:
    """End this tab's session (recorded)."""
    session = st.session_state.pop(SESSION_KEY, None)
    if session is not None:
        store().record("sign-out", "signed out", user=session.user.name)
    for key in ("_ew_views",):   # what was recorded as seen belongs to the session that saw it
        st.session_state.pop(key, None)


def acting_user() -> User:
    """The signed-in user: the one place pages get who is acting, passed down to views, triage, imports and
    the audit log (they never look it up). :class:`~ewarning.auth.PermissionDenied` when nobody is signed in
    (``dashboard.py`` shows the sign-in form before any page runs)."""
    session = st.session_state.get(SESSION_KEY)
    if session is None:
        raise PermissionDenied("nobody is signed in", user=None, role=None, permission="view_desk",
                               what="use the desk", allowed_roles=())
    return session.user


def refuse(denied: PermissionDenied) -> None:
    """Record a refusal in the audit log, say it on the page and stop the page."""
    record_refusal(store(), denied)
    # The refusal's own words (the engine's, English) are a field; the sentence around them is translated.
    t = translator()
    st.error(t("Refused: {reason}. The refusal is recorded in the audit log.", reason=str(denied)))
    st.stop()


def require_page(permission: str, what: str | None = None) -> User:
    """The signed-in user if their role holds ``permission`` (:func:`ewarning.auth.require`); otherwise the
    refusal is recorded and shown, and the page stops. Every page calls it first: the navigation shows a
    role only its own pages, and a page opened by its address still checks."""
    try:
        return require(acting_user(), permission, what)
    except PermissionDenied as denied:
        refuse(denied)
        raise   # not reached: st.stop() ends the run


def guarded(action, *args, **kwargs):
    """Run ``action``; a :class:`~ewarning.auth.PermissionDenied` raised by the engine (views, triage,
    imports) is recorded and shown like a page refusal."""
    try:
        return action(*args, **kwargs)
    except PermissionDenied as denied:
        refuse(denied)


# -- audit -------------------------------------------------------------------------
def record_view(page: str, f: flt.Filters, extra: str = "") -> None:
    """Audit who viewed what, once per session, page and filters (audit writes keep caches)."""
    seen = st.session_state.setdefault("_ew_views", set())
    key = (page, f.key(), extra)
    if key in seen:
        return
    seen.add(key)
    store().record("view", f"{page}: {f.describe()}" + (f"; {extra}" if extra else ""), user=acting_user().name)


def record_export(what: str, f: flt.Filters, rows: int) -> None:
    store().record("export", f"{what}: {rows} row(s); {f.describe()}", user=acting_user().name)


# -- safe output -------------------------------------------------------------------
_MD_SPECIAL = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~>"}
_INERT = {**_MD_SPECIAL, **{c: f"&#{ord(c)};" for c in "&<>\"'"}}


def text_html(value: object) -> str:
    """Text from data as inert HTML for ``st.markdown(..., unsafe_allow_html=True)``.

    HTML-escaped (no tag or attribute survives) and with Markdown's
    punctuation turned into character references, so a report can neither
    inject HTML nor a Markdown link or image (which would fetch a URL).
    """
    text = escape(value)  # for None and NaN; the characters are mapped once, below
    if value is None or text == "":
        return ""
    # One pass over the original characters: HTML-escaping first and then
    # mapping '#' and ';' of the entities again would show "&#x27;" for "'".
    return "".join(_INERT.get(c, c) for c in str(value)).replace("\n", "<br>")


def html_block(html: str) -> None:
    """Render HTML built only from :func:`text_html` pieces and fixed markup."""
    st.markdown(html, unsafe_allow_html=True)


def page_css() -> None:
    from ewarning.render import style

    st.markdown(f"<style>{style.page_css()}</style>", unsafe_allow_html=True)


def asset_base() -> str:
    from ewarning.render import maps

    base_url = (st.get_option("server.baseUrlPath") or "").strip("/")
    return ("/" + base_url if base_url else "") + maps.DEFAULT_ASSET_BASE


def component_labels(codes, t: Translator | None = None) -> str:
    """Components by their labels, in ``t``'s language: "Military, Police"."""
    t = t or Translator()
    return ", ".join(t.term(vocab.COMPONENTS, c) for c in codes)


# -- language (issue #15) ------------------------------------------------------------------------------------------
LOCALE_KEY = "ui_locale"   # the language chosen on the sign-in form, before anyone is signed in
USER_LOCALE_KEY = "_ew_user_locale"   # (name, language) of the signed-in user, read once from the store


def translator():
    """The words of this session: the signed-in user's language, else the one chosen on the sign-in form,
    else the mission's default (``$EWARNING_LANGUAGE``)."""
    from ewarning.i18n import Translator, mission_locale
    from ewarning.i18n.preferences import locale_of

    session = st.session_state.get(SESSION_KEY)
    if session is not None:
        # Read from the store once per signed-in user, not at every call of every run (My account updates it).
        name, code = st.session_state.get(USER_LOCALE_KEY) or (None, None)
        if name != session.user.name:
            name, code = session.user.name, locale_of(store(), session.user.name)
            st.session_state[USER_LOCALE_KEY] = (name, code)
        return Translator(code)
    return Translator(st.session_state.get(LOCALE_KEY) or mission_locale())


def remember_locale(name: str, code: str) -> None:
    """The language ``name`` just chose (kept in the store by the caller), for the rest of this session."""
    st.session_state[USER_LOCALE_KEY] = (name, code)

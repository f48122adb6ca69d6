"""Where things live, and the environment variables that move them.

============================  ==================================================
``EWARNING_STORE``            the store: a GeoPackage path (default under the
                              user's data directory)
``EWARNING_SECRET``           pseudonymisation secret (else a 0600 key file
                              beside the default store)
``EWARNING_MAX_FILE_MB``      largest file an import accepts (default 200)
``EWARNING_USER``             the name recorded in the import and audit logs
                              (default: the login name)
``EWARNING_TILES``            optional tile URL template for an online or mission
                              tile server; the default basemap is offline
============================  ==================================================
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs

STORE_ENV = "EWARNING_STORE"
USER_ENV = "EWARNING_USER"

#: The repository root (where ``geodata/`` ships).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
GEODATA = PROJECT_ROOT / "geodata"
#: Real UCDP GED v23.1 events for the Central African Republic (CC BY 4.0),
#: shipped with its README and citation.
UCDP_SAMPLE = GEODATA / "samples" / "ucdp-ged-car" / "ged231-car.csv"
#: The shared data folder beside the checkout (sources of the shipped
#: basemap); only needed to regenerate ``geodata/``.
SHARED_DATA = Path(os.environ.get("EWARNING_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))


#: ACLED's ``timestamp`` is the time ACLED last changed an event: when ACLED
#: modifies a published event (fatalities revised, an actor named), the
#: timestamp is overwritten (ACLED's own acledR guide, "Keeping your dataset
#: updated", dtacled.github.io/acledR/articles/acled_update.html). A timestamp
#: more than this many days after the event is taken as such a change, not as
#: the time the event became known (:mod:`ewarning.io.acled`).
ACLED_MODIFIED_AFTER_DAYS = 30
#: Report time given to those events: the event date plus ACLED's publication
#: lag. ACLED adds new events weekly (same source; weekly releases since
#: 2014), so an event is public at the latest about a week after it happened.
ACLED_PUBLICATION_LAG_DAYS = 7
#: Store setting holding the mission's locale (``fr``, ``en``...), whose decimal
#: separator settles numbers such as ``18.000`` that a file leaves ambiguous
#: (:func:`ewarning.validation.read_numbers`).
MISSION_LOCALE_SETTING = "mission_locale"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir("ewarning", appauthor=False))


def default_store() -> str:
    """The store to use when none is given: ``$EWARNING_STORE`` or the user's data dir."""
    return os.environ.get(STORE_ENV) or str(data_dir() / "ewarning.gpkg")


READ_URL_ENV = "EWARNING_STORE_READ_URL"


def default_read_url() -> str | None:
    """A read replica of a PostGIS store for the desk's layer reads: ``$EWARNING_STORE_READ_URL``, or None."""
    return os.environ.get(READ_URL_ENV) or None


def secret_file() -> Path:
    return data_dir() / "pseudonym.key"


SESSION_IDLE_ENV = "EWARNING_SESSION_IDLE_MINUTES"


def session_idle_minutes() -> float | None:
    """The desk's idle timeout in minutes when ``$EWARNING_SESSION_IDLE_MINUTES`` sets one (a server
    setting; default: :data:`ewarning.auth.sessions.IDLE_TIMEOUT`); :class:`ValueError` when it is not a
    positive number of minutes of at most 12 hours."""
    raw = os.environ.get(SESSION_IDLE_ENV, "").strip()
    if not raw:
        return None
    try:
        minutes = float(raw)
    except ValueError:
        minutes = float("nan")
    if not (0 < minutes <= 720):
        raise ValueError(f"${SESSION_IDLE_ENV}={raw!r} refused: give the idle timeout in minutes, more than 0 "
                         "and at most 720")
    return minutes


def current_user() -> str:
    """Who is acting, for the import and audit logs: ``$EWARNING_USER``, else the login name.

    Called only at the command line's edge, which passes the name down; the
    store, triage and the import pipeline never call it, and the desk never
    does (its acting user is whoever signed in).
    """
    name = os.environ.get(USER_ENV)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

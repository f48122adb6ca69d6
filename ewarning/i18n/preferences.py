"""Each user's language, kept in the store (a setting per account), with the mission's default.

Examples
--------
>>> import tempfile, os
>>> from ewarning.store import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "joc.gpkg"))
>>> locale_of(store, "ana")
'en'
>>> set_locale(store, "ana", "fr", by="ana")
>>> locale_of(store, "ana")
'fr'
"""

from __future__ import annotations

from . import LOCALES, N_, mission_locale

__all__ = ["locale_of", "set_locale"]

_SETTING = "ui_locale:{name}"
REFUSED = N_("Unknown language {code!r}: choose one of {choices}.")


def locale_of(store, name: str) -> str:
    """The language ``name`` chose, else the mission's default (``$EWARNING_LANGUAGE``), else English."""
    chosen = store.get_setting(_SETTING.format(name=name)) if name else None
    return chosen if chosen in LOCALES else mission_locale()


def set_locale(store, name: str, locale: str, by) -> None:
    """Keep ``locale`` as ``name``'s language; recorded in the audit log. :class:`ValueError` for an unknown one."""
    from ..store.errors import acting_user

    who = acting_user(by, "a language choice")
    if locale not in LOCALES:
        raise ValueError(REFUSED.format(code=locale, choices=", ".join(LOCALES)))
    store.set_setting(_SETTING.format(name=name), locale)
    store.record("language", f"{name}: {locale}", user=who)

"""French and English for the desk and its products (issue #15): gettext catalogues kept with Babel.

Strings are marked where they are written: ``_("...")`` through a
:class:`Translator` where the words are shown, :func:`N_` where a constant is
defined and translated later (role and permission descriptions). Templates
take named fields (``"After {n} failed attempts"``), never English fragments
glued together; place names and people's input are fields, never translated.
Numbers and dates are formatted by the locale with Babel.

The French catalogue is the ``.po`` file under ``locale/fr/LC_MESSAGES``
(the source a translator edits); it is compiled in memory on first use, so
there is no build step to forget. ``tests/test_i18n.py`` extracts every
marked string of :data:`TRANSLATED_MODULES` with Babel and fails on one the
catalogue lacks, or whose fields differ from the English.

Examples
--------
>>> t = translator("fr")
>>> t("Sign in")
'Se connecter'
>>> t.number(1234.5), t.date("2018-11-15")
('1\\u202f234,5', '15 nov. 2018')
>>> translator("en").number(1234.5)
'1,234.5'
"""

from __future__ import annotations

import gettext
import io
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DOMAIN = "ewarning"
#: Languages offered, by their code, in their own words.
LOCALES = {"en": "English", "fr": "Français"}
DEFAULT_LOCALE = "en"
#: The mission's default language for everyone who has not chosen one (a server setting).
LANGUAGE_ENV = "EWARNING_LANGUAGE"
#: Modules whose user-facing strings are all marked and translated (the completeness check reads these).
TRANSLATED_MODULES = (
    "dashboard.py",
    "app_pages/signin.py", "app_pages/account.py", "app_pages/navigation.py", "app_pages/users.py",
    "app_pages/common.py", "app_pages/situation_map.py", "app_pages/hotspots.py", "app_pages/presence.py",
    "app_pages/replay.py", "app_pages/triage.py", "app_pages/intake.py", "app_pages/data.py",
    "app_pages/audit.py", "app_pages/engagement.py", "app_pages/handover.py", "app_pages/briefing.py",
    "ewarning/auth/roles.py", "ewarning/auth/accounts.py", "ewarning/auth/sessions.py",
    "ewarning/i18n/preferences.py", "ewarning/vocab.py",
    "ewarning/hotspots/explain.py", "ewarning/forecast/explain.py", "ewarning/forecast/areas.py",
    "ewarning/forecast/hawkes.py", "ewarning/hotspots/__init__.py", "ewarning/hotspots/watch.py",
    "ewarning/views/picture.py", "ewarning/asof.py", "ewarning/views/alerts.py", "ewarning/render/engagement.py",
    "ewarning/render/maps.py", "ewarning/views/situation.py", "ewarning/views/dossier.py", "ewarning/views/presence.py",
    "app_pages/map_component.py", "ewarning/triage.py", "ewarning/reasons.py",
    "ewarning/render/static_map.py", "ewarning/importing.py", "ewarning/identities.py",
    "ewarning/training/handover.py", "ewarning/training/scenarios.py", "ewarning/training/exercises.py",
    "ewarning/views/briefing.py", "ewarning/render/briefing/__init__.py", "ewarning/render/briefing/html.py",
    "ewarning/render/briefing/pdf.py", "ewarning/render/briefing/slides.py", "ewarning/render/briefing/charts.py",
    "ewarning/cli/__init__.py", "ewarning/cli/errors.py", "ewarning/cli/engine.py", "ewarning/cli/data.py",
    "ewarning/cli/brief.py", "ewarning/cli/replay.py", "ewarning/cli/users.py", "ewarning/cli/audit.py",
    "ewarning/cli/mission.py", "ewarning/cli/patrols.py", "ewarning/cli/secret.py",
)

__all__ = ["DEFAULT_LOCALE", "LOCALES", "N_", "Translator", "catalogue_path", "mission_locale", "translator"]


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is defined; it is translated where it is shown."""
    return message


def catalogue_path(locale: str) -> Path:
    return HERE / "locale" / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mission_locale() -> str:
    """``$EWARNING_LANGUAGE`` when it names an offered language, else English."""
    value = (os.environ.get(LANGUAGE_ENV) or "").strip().lower()
    return value if value in LOCALES else DEFAULT_LOCALE


@lru_cache(maxsize=None)
def _translations(locale: str) -> gettext.NullTranslations:
    path = catalogue_path(locale)
    if locale == DEFAULT_LOCALE or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """The words, numbers and dates of one language.

    Parameters
    ----------
    locale : str
        ``"en"`` or ``"fr"`` (:data:`LOCALES`); anything else is English.

    Examples
    --------
    >>> t = Translator("fr")
    >>> t("Signed in as {name} ({role})", name="ana", role=t("analyst"))
    'Connecté en tant que ana (analyste)'
    """

    def __init__(self, locale: str = DEFAULT_LOCALE):
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        self._t = _translations(self.locale)

    def __call__(self, message: str, **fields) -> str:
        text = self._t.gettext(message)
        return text.format(**fields) if fields else text

    gettext = __call__

    def number(self, value, digits: int | None = None) -> str:
        from babel.numbers import format_decimal

        pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float, digits: int = 0) -> str:
        """``0.6`` -> ``60%`` in English, ``60 %`` (narrow no-break space) in French."""
        from babel.numbers import format_percent

        return format_percent(round(float(share), digits + 2), locale=self.locale, decimal_quantization=False)

    def date(self, when, style: str = "medium") -> str:
        from babel.dates import format_date

        return format_date(pd.Timestamp(when).date(), format=style, locale=self.locale)

    def term(self, labels: dict, code) -> str:
        """The label of a vocabulary code in this language (``t.term(vocab.CATEGORIES, "killing")``)."""
        return self(labels.get(code, str(code))) if code in labels else str(code)

    def time(self, when) -> str:
        """Hours and minutes, 24-hour clock in both languages (UTC is said by the template)."""
        return f"{pd.Timestamp(when):%H:%M}"


def translator(locale: str | None = None) -> Translator:
    """A :class:`Translator` for ``locale`` (the mission's default when None)."""
    return Translator(locale or mission_locale())

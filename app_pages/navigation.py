"""The desk's pages, the permission each needs, and the navigation a role sees.

A role sees only the pages its permissions open (:func:`pages_for`); each page
checks again when opened by its address (:func:`app_pages.common.require_page`),
so hiding a page is never the protection.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ewarning.i18n import N_, Translator

ROOT = Path(__file__).resolve().parent.parent

# Material page icons come from the font bundled with Streamlit (served locally). Each page names the
# permission it needs (ewarning.auth.roles): a role sees only its own pages, and each page checks again
# (common.require_page) when opened by its address. A page whose file is absent is left out.
PAGE_SPECS = {
    N_("Analyst desk"): [
        ("app_pages/situation_map.py", N_("Situation map"), ":material/map:", "", "view_desk"),
        ("app_pages/hotspots.py", N_("Hotspots"), ":material/local_fire_department:", "hotspots", "view_desk"),
        ("app_pages/intake.py", N_("Alert intake"), ":material/add_call:", "intake", "import"),
        ("app_pages/triage.py", N_("Alerts triage"), ":material/inbox:", "triage", "triage"),
        ("app_pages/presence.py", N_("Presence & coverage"), ":material/shield:", "presence", "view_desk"),
        ("app_pages/engagement.py", N_("Engagement & patrols"), ":material/diversity_3:", "engagement", "view_desk"),
        ("app_pages/data.py", N_("Data"), ":material/database:", "data", "view_desk"),
    ],
    N_("Leadership"): [
        ("app_pages/briefing.py", N_("Briefing"), ":material/summarize:", "briefing", "view_briefing"),
    ],
    N_("Training"): [
        ("app_pages/replay.py", N_("Replay"), ":material/replay:", "replay", "replay"),
        ("app_pages/handover.py", N_("Handover notes"), ":material/assignment:", "handover", "replay"),
    ],
    N_("Administration"): [
        ("app_pages/audit.py", N_("Audit log"), ":material/policy:", "audit", "view_audit"),
        ("app_pages/users.py", N_("Users"), ":material/group:", "users", "manage_users"),
        ("app_pages/account.py", N_("My account"), ":material/person:", "account", None),
    ],
}
#: Pages that show the shared filter sidebar (the desk's pages), by title.
DESK = {title for _, title, *_ in PAGE_SPECS["Analyst desk"]}


def visible_specs(user) -> list[tuple[str, tuple]]:
    """(section, spec) of every page ``user`` may open whose file exists, in order (every page for ``None``)."""
    return [(section, spec) for section, specs in PAGE_SPECS.items() for spec in specs
            if (ROOT / spec[0]).is_file() and (user is None or spec[4] is None or user.can(spec[4]))]


def pages_for(user, t: Translator | None = None) -> dict[str, list]:
    """The navigation for ``user`` (every page, for the hidden navigation, when ``None``), its sections and
    titles in the words of ``t`` (English without): the first page the role may open is the default one."""
    t = t or Translator("en")
    pages = {}
    for n, (section, (path, title, icon, url_path, _)) in enumerate(visible_specs(user)):
        pages.setdefault(t(section), []).append(
            st.Page(path, title=t(title), icon=icon, url_path=url_path or None, default=n == 0))
    return pages


def is_desk_page(page, t: Translator | None = None) -> bool:
    """Whether the page ``st.navigation`` returned shows the shared filter sidebar (its title in ``t``'s words)."""
    t = t or Translator("en")
    return page.title in {t(title) for title in DESK}

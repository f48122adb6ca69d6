"""Each role, signed in, through the engine and through the pages: what it may and may not see or do.

Refusals are made where the data is read or written (views, triage, imports,
exports, the audit log's reader), not by hiding widgets: a page opened by its
address refuses too, and every refusal is in the audit log.
"""

from __future__ import annotations

import html

import pandas as pd
import pytest

pytest.importorskip("streamlit")

from ewarning import filters as flt  # noqa: E402
from ewarning import triage, views  # noqa: E402
from ewarning.auth import PermissionDenied, User, open_session, view_audit_log  # noqa: E402
from ewarning.auth.audit import REFUSED  # noqa: E402
from ewarning.store import open_store  # noqa: E402
from tests.signin import ACCOUNTS, ROOT, password_of, signed_in_app  # noqa: E402

AS_OF = pd.Timestamp("2018-11-15", tz="UTC")
ROLE_USERS = {role: User(name, role) for name, role in ACCOUNTS.items()}


def _pages(role: str) -> set[str]:
    from app_pages.navigation import visible_specs

    return {spec[1] for _, spec in visible_specs(ROLE_USERS[role])}


def _audit(store_path) -> pd.DataFrame:
    return open_store(str(store_path)).read("audit")


def _text(at) -> str:
    return html.unescape(" ".join(m.value for m in at.markdown))


# -- navigation ------------------------------------------------------------------------------------
def test_each_role_is_shown_only_its_pages():
    desk = {"Situation map", "Hotspots", "Alert intake", "Alerts triage", "Presence & coverage", "Data"}
    assert desk <= _pages("analyst") and not {"Audit log", "Users"} & _pages("analyst")
    assert desk | {"Audit log", "Users"} <= _pages("supervisor")
    for role in ("leadership", "trainer", "trainee"):
        assert not desk & _pages(role), role
        assert "My account" in _pages(role)
    assert all("My account" in _pages(role) for role in ROLE_USERS)


# -- the engine ------------------------------------------------------------------------------------
def test_the_views_refuse_a_role_without_the_desk(app_store):
    layers = views.Layers.from_store(open_store(str(app_store)))
    f = flt.Filters(end=AS_OF)
    for role in ("leadership", "trainer", "trainee"):
        with pytest.raises(PermissionDenied, match="may not open the analyst desk"):
            views.picture(layers, f, ROLE_USERS[role])
        with pytest.raises(PermissionDenied):
            views.triage_queue(layers, f, ROLE_USERS[role])
        with pytest.raises(PermissionDenied):
            views.alerts_export(layers, f, ROLE_USERS[role])
    with pytest.raises(PermissionDenied, match="disabled"):
        views.picture(layers, f, User("ana", "analyst", active=False))
    assert len(views.picture(layers, f, ROLE_USERS["analyst"]).hotspots)


def test_no_role_sees_reporter_keys_and_only_the_desk_reads_free_text(app_store):
    store = open_store(str(app_store))
    layers = views.Layers.from_store(store)
    keys = set(layers.alerts["reporter_key"].dropna())
    assert keys   # the demo's alerts have pseudonymous keys in the store
    f = flt.Filters(end=AS_OF, days=3650)
    for role in ("analyst", "supervisor"):
        p = views.picture(layers, f, ROLE_USERS[role])
        assert "reporter_key" not in p.known.alerts.columns
        assert "reporter_key" not in views.triage_queue(layers, f, ROLE_USERS[role]).alerts.columns
        assert p.known.alerts["text"].notna().any()     # an analyst reads the reports
        exported = views.alerts_export(layers, f, ROLE_USERS[role], include_text=True)
        assert not keys & set(exported.astype(str).to_numpy().ravel())
    # what a role without free text would be shown (a trainee's replay, a leadership product)
    from ewarning.views.redact import TEXT_WITHHELD, redact_alerts, redaction_of

    for role in ("leadership", "trainee"):
        shown = redact_alerts(layers.alerts, redaction_of(ROLE_USERS[role]))
        assert set(shown["text"].dropna()) == {TEXT_WITHHELD}
        assert "reporter_key" not in shown.columns


def test_triage_imports_and_the_audit_log_refuse_the_wrong_role(app_store, tmp_path):
    store = open_store(str(app_store))
    alerts = store.read("alerts")
    target = alerts["id"].iloc[0]
    for role in ("leadership", "trainer", "trainee"):
        with pytest.raises(PermissionDenied, match="may not triage alerts"):
            triage.verify(alerts, target, based_on=0, user=ROLE_USERS[role])
    csv = tmp_path / "one.csv"
    csv.write_text("id,reported_at,lat,lon,category\nX-1,2018-11-10T08:00:00Z,4.76,20.67,armed_attack\n")
    from ewarning.importing import import_files

    n = len(store.read("alerts"))
    with pytest.raises(PermissionDenied, match="may not import files"):
        import_files(store, [csv], layer="alerts", user=ROLE_USERS["leadership"], secret=b"x")
    assert len(store.read("alerts")) == n
    with pytest.raises(PermissionDenied, match="may not view the audit log"):
        view_audit_log(store, ROLE_USERS["analyst"])
    assert triage.verify(alerts, target, based_on=0, user=ROLE_USERS["analyst"]).user == "ana"
    assert len(view_audit_log(store, ROLE_USERS["supervisor"]))


# -- the pages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, page, words", [
    ("ana", "audit.py", "may not view the audit log"),
    ("ana", "users.py", "may not manage users"),
    ("lee", "hotspots.py", "may not open the analyst desk"),      # leadership opening the alerts' free text
    ("lee", "triage.py", "may not triage alerts"),
    ("tom", "data.py", "may not open the analyst desk"),
    ("tia", "intake.py", "may not import files"),
])
def test_a_page_opened_by_its_address_refuses_and_records_it(app_store, name, page, words):
    at = signed_in_app(name, script=ROOT / "app_pages" / page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(words in e.value and "recorded in the audit log" in e.value for e in at.error)
    assert not at.dataframe          # nothing of the page was drawn
    audit = _audit(app_store)
    refused = audit[(audit["action"] == REFUSED) & (audit["user"] == name)]
    assert len(refused) == 1 and words in refused["detail"].iloc[0]


def test_the_supervisor_reads_and_searches_the_audit_log_on_its_page(app_store):
    at = signed_in_app("sam", script=ROOT / "app_pages" / "audit.py")
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert {"At (UTC)", "User", "Action", "Detail"} <= set(table.columns) and len(table) > 5
    at.text_input(key="audit_action").set_value("user added").run()
    assert set(at.dataframe[0].value["Action"]) == {"user added"}
    audit = _audit(app_store)
    assert (audit["action"] == "viewed the audit log").sum() == 2   # each search recorded once


def test_nobody_signed_in_sees_only_the_sign_in_form(app_store):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert {t.label for t in at.text_input} == {"Name", "Password"}
    text = _text(at)
    assert "Alindao" not in text and "Hotspots" not in text and not at.dataframe and not at.sidebar.date_input
    assert not (_audit(app_store)["action"] == "view").any()


def _sign_in(at, name: str, password: str):
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_form_signs_in_refuses_a_wrong_password_and_throttles(app_store):
    from streamlit.testing.v1 import AppTest

    from app_pages.common import SESSION_KEY

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    _sign_in(at, "ana", "not ana's password at all")
    assert SESSION_KEY not in at.session_state
    assert any("unknown name or wrong password" in e.value for e in at.error)
    assert at.text_input(key="signin_password").value == ""     # never kept in the form
    for _ in range(4):
        _sign_in(at, "ana", "still not the password")
    _sign_in(at, "ana", password_of("ana"))                     # the right one, while throttled
    assert SESSION_KEY not in at.session_state
    assert any("too many failed attempts" in e.value for e in at.error)
    audit = _audit(app_store)
    assert (audit[audit["user"] == "ana"]["action"] == "sign-in refused").sum() == 5
    assert (audit["action"] == "sign-in throttled").sum() >= 1

    other = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    other.run()
    _sign_in(other, "sam", password_of("sam"))                  # another name is not throttled
    assert other.session_state[SESSION_KEY].user == User("sam", "supervisor")
    assert "Signed in as" in html.unescape(" ".join(m.value for m in other.sidebar.markdown))
    other.sidebar.button(key="signout").click().run()
    assert SESSION_KEY not in other.session_state and [b.label for b in other.button] == ["Sign in"]
    assert (_audit(app_store)["action"] == "sign-out").sum() == 1


def test_an_idle_session_expires_and_a_disabled_account_is_signed_out(app_store):
    from app_pages.common import SESSION_KEY
    from ewarning.auth import disable_user

    at = signed_in_app("ana")
    idle = open_session(User("ana", "analyst"), pd.Timestamp.now(tz="UTC") - pd.Timedelta(minutes=31))
    at.session_state[SESSION_KEY] = idle
    at.run()
    assert SESSION_KEY not in at.session_state
    assert any("idle for more than 30 minutes" in w.value for w in at.warning)
    assert [b.label for b in at.button] == ["Sign in"]
    ended = _audit(app_store)
    assert ((ended["action"] == "session ended") & (ended["user"] == "ana")).sum() == 1

    at = signed_in_app("ana")
    at.run()
    assert not at.exception and SESSION_KEY in at.session_state
    disable_user(open_store(str(app_store)), "ana", by=User("sam", "supervisor"), now=pd.Timestamp.now(tz="UTC"))
    at.run()                                                    # the next click
    assert SESSION_KEY not in at.session_state
    assert any("disabled" in w.value for w in at.warning)


def test_the_triage_card_shows_no_reporter_key(app_store):
    keys = set(open_store(str(app_store)).read("alerts")["reporter_key"].dropna())
    at = signed_in_app("ana")
    at.run()
    at.switch_page("app_pages/triage.py").run()
    assert not at.exception
    text = _text(at)
    assert "from the same reporter" in text or "no reporter recorded" in text
    assert not any(key in text for key in keys)

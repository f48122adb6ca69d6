"""The Replay and Handover pages through Streamlit's AppTest, signed in (issue #11).

A trainee opens the replay at the exercise's decision point, cannot step past it, is refused a later day
asked for by the address (the view refuses it, audited), submits an answer and reveals it (saved for the
debrief, audited); an analyst is refused the page; the handover notes show no reporter key and no text.
"""

from __future__ import annotations

import html
import json

import pytest

pytest.importorskip("streamlit")

from ewarning.auth.audit import REFUSED  # noqa: E402
from ewarning.store import open_store  # noqa: E402
from tests.signin import signed_in_app  # noqa: E402


@pytest.fixture()
def training_dir(app_store, tmp_path, monkeypatch):
    folder = tmp_path / "training"
    monkeypatch.setenv("EWARNING_TRAINING_DIR", str(folder))
    return folder


def _open(name: str, page: str, query: dict | None = None):
    at = signed_in_app(name)
    at.switch_page(page)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def _raw(at) -> str:
    return html.unescape(" ".join(m.value for m in at.markdown))


def _text(at) -> str:
    return html.unescape(_raw(at))


def test_a_trainee_answers_at_the_decision_point_and_reveals(app_store, training_dir):
    at = _open("tom", "app_pages/replay.py")
    assert not at.exception and not at.error
    assert 'data-day="2018-11-08"' in _raw(at)
    assert at.button(key="rp_next").disabled
    at.multiselect(key="rp_picks").select("site S-ALD-01").run()
    at.selectbox(key="rp_action_site S-ALD-01").select("joint_protection_team").run()
    at.button(key="rp_submit").click().run()
    assert not at.exception
    at.button(key="rp_reveal").click().run()
    assert not at.exception and not at.error
    assert "hit by your picks" in _text(at)
    saved = list((training_dir / "results").rglob("tom-*.json"))
    assert len(saved) == 1 and json.loads(saved[0].read_text())["summary"]["trainee"]["hits"] >= 1
    log = open_store(str(app_store)).read("audit")
    assert {"exercise answered", "exercise revealed"} <= set(log.loc[log["user"] == "tom", "action"])


def test_a_trainee_asking_for_a_later_day_is_refused_by_the_view(app_store, training_dir):
    at = _open("tom", "app_pages/replay.py", {"day": "2018-11-12"})
    errors = " ".join(e.value for e in at.error)
    assert "after the exercise's decision point" in errors
    assert 'data-day="2018-11-12"' not in _raw(at)
    refused = open_store(str(app_store)).audit_log(action=REFUSED)
    assert (refused["user"] == "tom").any()


def test_the_replay_page_refuses_an_analyst(app_store, training_dir):
    from tests.signin import ROOT

    at = signed_in_app("ana", script=ROOT / "app_pages" / "replay.py").run()   # opened by its address
    assert any("may not" in e.value for e in at.error), ([e.value for e in at.error], [e.value for e in at.exception])
    assert (open_store(str(app_store)).audit_log(action=REFUSED)["user"] == "ana").any()


def test_a_trainer_steps_past_the_decision_point(app_store, training_dir):
    at = _open("tia", "app_pages/replay.py", {"day": "2018-11-20"})
    assert not at.exception and not at.error
    assert 'data-day="2018-11-20"' in _raw(at)
    at.button(key="rp_next").click().run()
    assert 'data-day="2018-11-21"' in _raw(at)


def test_handover_page_shows_counts_and_no_reporter_key(app_store, training_dir):
    at = _open("tia", "app_pages/handover.py")
    assert not at.exception and not at.error
    shown = _text(at) + " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "Handover notes" in shown
    keys = set(open_store(str(app_store)).read("alerts")["reporter_key"].dropna())
    assert keys and not any(k in shown for k in keys)

"""What a deployment gets by default: the desk listens on this machine only (a JOC serves it to others through a
TLS reverse proxy, SECURITY.md), and store bookkeeping tables (accounts included) are never read as data."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_desk_listens_on_this_machine_only_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False


def test_accounts_are_store_bookkeeping_never_a_layer_of_an_imported_store():
    from ewarning.io.gpkg import STORE_BOOKKEEPING

    assert {"users", "sign_in_failures", "audit"} <= set(STORE_BOOKKEEPING)


def test_security_notes_name_the_proxy_and_what_is_not_built():
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert "reverse proxy" in text and "127.0.0.1" in text
    assert "not built" in text.lower()


def test_a_new_store_is_readable_by_its_owner_only(tmp_path):
    from ewarning.store import open_store

    path = tmp_path / "joc.gpkg"
    open_store(str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(open_store(str(path)).read("alerts")) == 0     # and it still opens as a store

"""Alembic migrations of the PostGIS store (:mod:`ewarning.store.postgis`).

Each revision under ``versions/`` is frozen DDL: a change to
:mod:`ewarning.store.schema` needs a new revision, and the store contract
suite fails until it has one (it compares the tables a migrated database
holds with the schema). :func:`upgrade` brings a database to the head
revision under an advisory lock, so several processes opening a new store at
once migrate it once.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
HEAD = "0002"   # the newest revision in versions/; the store checks it without loading Alembic
LOCK = 0x65776D67  # pg_advisory_lock key held while migrating ("ewmg")


def upgrade(url: str) -> None:
    """Run every missing revision on the database at ``url`` (a ``postgresql://`` URL)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["url"] = url
    command.upgrade(config, "head")

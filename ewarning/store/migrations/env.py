"""Alembic environment: online migrations only, on the URL the store passes, under an advisory lock."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from ewarning.store.migrations import LOCK


def _engine_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def run() -> None:
    config = context.config
    engine = create_engine(_engine_url(config.attributes["url"]))
    with engine.connect() as connection:
        # One migrating process at a time; the others wait, then find the head revision and do nothing.
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK})
        connection.commit()
        try:
            context.configure(connection=connection, transactional_ddl=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK})
            connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported: run them against the database")
run()

"""Stored column types for every layer and log table, backend-neutral."""

from __future__ import annotations

from dataclasses import dataclass

from .. import alerts, patrols, presence, sites
from ..engagement import log as engagement_log


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: dict[str, str]          # column -> text | datetime | integer | real | boolean
    geometry: str | None = None      # POINT, LINESTRING or None for attribute tables
    key: tuple[str, ...] = ()        # natural key, unique
    description: str = ""


def _types(names: list[str], overrides: dict[str, str]) -> dict[str, str]:
    return {n: overrides.get(n, "text") for n in names}


LAYER_SCHEMAS = {
    "alerts": TableSchema(
        "alerts",
        _types(alerts.COLUMNS + ["import_id"], {
            "reported_at": "datetime", "occurred_at": "datetime", "severity": "integer", "killed": "integer",
            "injured": "integer", "import_id": "integer"}),
        "POINT", ("id",), "Alert reports (reporters pseudonymised)"),
    "sites": TableSchema(
        "sites",
        _types(sites.COLUMNS + ["import_id"], {"population": "real", "opened": "datetime", "closed": "datetime",
                                              "import_id": "integer"}),
        "POINT", ("site_id",), "IDP sites"),
    "presence": TableSchema(
        "presence",
        _types(presence.COLUMNS + ["import_id"], {**{c: "integer" for c in presence.COUNT_COLUMNS},
                                                 "start": "datetime", "end": "datetime", "import_id": "integer"}),
        "POINT", ("base_id", "start"), "Bases and the components present, by period"),
    "patrols": TableSchema(
        "patrols",
        _types(patrols.COLUMNS + ["import_id"], {
            "start": "datetime", "end": "datetime", "engagements": "integer", "cla_present": "boolean",
            "female_engagement_team": "boolean", "import_id": "integer"}),
        "LINESTRING", ("patrol_id",), "Patrol routes"),
    "engagements": TableSchema(
        "engagements",
        _types(engagement_log.COLUMNS + ["import_id"], {
            "date": "datetime", "participants_women": "integer", "participants_men": "integer",
            "import_id": "integer"}),
        "POINT", ("engagement_id",), "Community engagements (participants as counts, never names)"),
}

LOG_SCHEMAS = {
    "quarantine": TableSchema(
        "quarantine",
        {"import_id": "integer", "layer": "text", "source": "text", "source_row": "integer", "reason": "text",
         "raw": "text"},
        None, (), "Rows refused at import, with the reason, to fix and re-import"),
    "imports": TableSchema(
        "imports",
        {"started_at": "datetime", "finished_at": "datetime", "user": "text", "source": "text", "sha256": "text",
         "format": "text", "layers": "text", "n_read": "integer", "n_stored": "integer",
         "n_quarantined": "integer", "n_linked": "integer", "notes": "text"},
        None, (), "One row per imported file"),
    "audit": TableSchema(
        "audit", {"at": "datetime", "user": "text", "action": "text", "detail": "text"},
        None, (), "Who saw or exported what"),
    "settings": TableSchema("settings", {"key": "text", "value": "text"}, None, ("key",), "Store settings"),
    # One row per triage edit of an alert (ewarning.triage). ``version`` counts
    # an alert's edits (1, 2, ...); an alert never edited is at version 0. The
    # unique key makes two edits based on the same version impossible.
    "alert_edits": TableSchema(
        "alert_edits",
        {"alert_id": "text", "version": "integer", "at": "datetime", "user": "text", "action": "text",
         "changes": "text", "note": "text"},
        None, ("alert_id", "version"), "Triage edits of alerts, one version each (optimistic concurrency)"),
}

TABLES = {**LAYER_SCHEMAS, **LOG_SCHEMAS}

#: Local accounts and sign-in throttling (:mod:`ewarning.auth`). Kept out of :data:`TABLES` on purpose:
#: ``Store.read``, ``counts``, ``export`` and the GeoPackage reader (which reads what ``gpkg_contents``
#: lists) never see them, so a password hash cannot leave through an export or a store read back as a
#: file. ``users.password_hash`` is an argon2id hash (never the password); ``disabled_at`` is empty
#: while the account is active. ``sign_in_failures.name_key`` is a digest of the name as typed (a
#: password typed into the name field is not kept in clear).
ACCOUNT_SCHEMAS = {
    "users": TableSchema(
        "users",
        {"name": "text", "role": "text", "password_hash": "text", "created_at": "datetime", "created_by": "text",
         "disabled_at": "datetime"},
        None, ("name",), "Local accounts (argon2id password hashes)"),
    "sign_in_failures": TableSchema(
        "sign_in_failures", {"name_key": "text", "at": "datetime"},
        None, (), "Failed sign-ins, kept across restarts for throttling"),
}

#: ``Store.read(layer, until=T)`` keeps rows with ``column < T`` (strict) or
#: ``column <= T``: exactly the rows :func:`ewarning.asof.as_of` at ``T`` can
#: use (sites with no opening time are kept too). Closings and ends are left
#: to the as-of view.
UNTIL_RULES = {"alerts": ("reported_at", True), "sites": ("opened", False), "presence": ("start", False),
               "patrols": ("start", True), "engagements": ("date", True)}


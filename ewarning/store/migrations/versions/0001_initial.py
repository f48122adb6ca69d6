"""The first PostGIS schema: the four layers, logs, accounts, the append-only audit log and indexes.

Revision ID: 0001
Revises:
Create Date: 2026-12-03

Types: times are ``timestamptz`` (stored in whole seconds, as the
GeoPackage store keeps them), counts ``bigint``, geometries EPSG:4326 with a
GiST index. ``layer_state`` counts the writes to each layer (the desk's
cache key). The audit log refuses UPDATE and DELETE by trigger, for every
role; the roles the operations guide creates hold only INSERT and SELECT on
it besides.
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = [
    """CREATE TABLE alerts (fid bigserial PRIMARY KEY, geom geometry(Point, 4326), "id" text NOT NULL,
        "reported_at" timestamptz, "occurred_at" timestamptz, "category" text, "severity" bigint, "killed" bigint,
        "injured" bigint, "channel" text, "verification" text, "reliability" text, "credibility" text,
        "reporter_key" text, "location_precision" text, "text" text, "origin" text, "duplicate_of" text,
        "import_id" bigint)""",
    """CREATE TABLE sites (fid bigserial PRIMARY KEY, geom geometry(Point, 4326), "site_id" text NOT NULL,
        "name" text, "kind" text, "population" double precision, "opened" timestamptz, "closed" timestamptz,
        "import_id" bigint)""",
    """CREATE TABLE presence (fid bigserial PRIMARY KEY, geom geometry(Point, 4326), "base_id" text NOT NULL,
        "name" text, "kind" text, "military" bigint, "police" bigint, "civilian" bigint, "cla" bigint,
        "cla_female" bigint, "start" timestamptz, "end" timestamptz, "import_id" bigint)""",
    """CREATE TABLE patrols (fid bigserial PRIMARY KEY, geom geometry(LineString, 4326), "patrol_id" text NOT NULL,
        "unit" text, "component" text, "type" text, "start" timestamptz, "end" timestamptz, "engagements" bigint,
        "cla_present" boolean, "female_engagement_team" boolean, "import_id" bigint)""",
    """CREATE TABLE quarantine (fid bigserial PRIMARY KEY, "import_id" bigint, "layer" text, "source" text,
        "source_row" bigint, "reason" text, "raw" text)""",
    """CREATE TABLE imports (fid bigserial PRIMARY KEY, "started_at" timestamptz, "finished_at" timestamptz,
        "user" text, "source" text, "sha256" text, "format" text, "layers" text, "n_read" bigint,
        "n_stored" bigint, "n_quarantined" bigint, "n_linked" bigint, "notes" text)""",
    """CREATE TABLE audit (fid bigserial PRIMARY KEY, "at" timestamptz, "user" text, "action" text,
        "detail" text)""",
    """CREATE TABLE settings (fid bigserial PRIMARY KEY, "key" text NOT NULL, "value" text)""",
    """CREATE TABLE alert_edits (fid bigserial PRIMARY KEY, "alert_id" text NOT NULL, "version" bigint NOT NULL,
        "at" timestamptz, "user" text, "action" text, "changes" text, "note" text)""",
    """CREATE TABLE users (fid bigserial PRIMARY KEY, "name" text NOT NULL, "role" text, "password_hash" text,
        "created_at" timestamptz, "created_by" text, "disabled_at" timestamptz)""",
    """CREATE TABLE sign_in_failures (fid bigserial PRIMARY KEY, "name_key" text, "at" timestamptz)""",
    """CREATE TABLE layer_state (layer text PRIMARY KEY, changes bigint NOT NULL DEFAULT 0,
        last_change timestamptz NOT NULL DEFAULT now())""",
]

_INDEXES = [
    'CREATE UNIQUE INDEX alerts_key ON alerts ("id")',
    'CREATE UNIQUE INDEX sites_key ON sites ("site_id")',
    'CREATE UNIQUE INDEX presence_key ON presence ("base_id", "start")',
    'CREATE UNIQUE INDEX patrols_key ON patrols ("patrol_id")',
    'CREATE UNIQUE INDEX settings_key ON settings ("key")',
    'CREATE UNIQUE INDEX alert_edits_key ON alert_edits ("alert_id", "version")',
    'CREATE UNIQUE INDEX users_key ON users ("name")',
    'CREATE INDEX alerts_reported_at ON alerts ("reported_at")',
    'CREATE INDEX alerts_occurred ON alerts ((coalesce("occurred_at", "reported_at")))',
    'CREATE INDEX sites_opened ON sites ("opened")',
    'CREATE INDEX presence_start ON presence ("start")',
    'CREATE INDEX patrols_start ON patrols ("start")',
    'CREATE INDEX alerts_geom ON alerts USING gist (geom)',
    'CREATE INDEX sites_geom ON sites USING gist (geom)',
    'CREATE INDEX presence_geom ON presence USING gist (geom)',
    'CREATE INDEX patrols_geom ON patrols USING gist (geom)',
    'CREATE INDEX imports_sha256 ON imports ("sha256")',
    'CREATE INDEX audit_at ON audit ("at")',
    'CREATE INDEX sign_in_failures_name ON sign_in_failures ("name_key", "at")',
]

_AUDIT_GUARD = [
    """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only: entries are never changed or deleted'; END $$""",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT "
    "EXECUTE FUNCTION audit_append_only()",
]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    for statement in _TABLES + _INDEXES + _AUDIT_GUARD:
        op.execute(statement)
    op.execute("INSERT INTO layer_state (layer) VALUES ('alerts'), ('sites'), ('presence'), ('patrols')")


def downgrade() -> None:
    raise NotImplementedError("the first schema is not downgraded: restore a pg_dump taken before it instead")

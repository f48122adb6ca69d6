"""The engagement log layer (issue #14): who engaged which community, how, with participants as counts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""CREATE TABLE engagements (fid bigserial PRIMARY KEY, geom geometry(Point, 4326),
        "engagement_id" text NOT NULL, "date" timestamptz, "component" text, "activity" text, "community" text,
        "participants_women" bigint, "participants_men" bigint, "topics" text, "questions" text,
        "import_id" bigint)""")
    op.execute('CREATE UNIQUE INDEX engagements_key ON engagements ("engagement_id")')
    op.execute('CREATE INDEX engagements_date ON engagements ("date")')
    op.execute("CREATE INDEX engagements_geom ON engagements USING gist (geom)")
    op.execute("INSERT INTO layer_state (layer) VALUES ('engagements')")


def downgrade() -> None:
    op.execute("DELETE FROM layer_state WHERE layer = 'engagements'")
    op.execute("DROP TABLE engagements")

"""bilingual units: product.unit and order_line.unit become unit_vi, beside a new unit_en

Revision ID: c3a0b1000001
Revises: a9fa1e000004
Create Date: 2026-12-02 04:10:00

The unit so far was written in Vietnamese ("chai 500 ml"): it is kept, renamed, as unit_vi.
RENAME COLUMN and ADD COLUMN work in place on SQLite (3.25+) and PostgreSQL alike; a batch
rebuild of `product` would drop and recreate a table that many others reference.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a0b1000001"
down_revision = "d1fa17000001"
branch_labels = None
depends_on = None

TABLES = ("product", "order_line")


def upgrade():
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN unit TO unit_vi")
        op.add_column(
            table, sa.Column("unit_en", sa.String(length=40), nullable=False, server_default="")
        )


def downgrade():
    for table in TABLES:
        op.drop_column(table, "unit_en")
        op.execute(f"ALTER TABLE {table} RENAME COLUMN unit_vi TO unit")

"""listing facts: the facts each category requires and each product's values

Revision ID: lf1700000001
Revises: to1900000001
Create Date: 2026-12-02 20:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "lf1700000001"
down_revision = "to1900000001"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: SQLite would rebuild these much-referenced tables in batch mode.
    op.add_column(
        "category",
        sa.Column("required_facts", sa.String(length=300), nullable=False, server_default=""),
    )
    op.add_column("product", sa.Column("facts", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    op.drop_column("product", "facts")
    op.drop_column("category", "required_facts")

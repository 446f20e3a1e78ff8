"""payouts: ledger, payouts, commission

Revision ID: a6ba1a000003
Revises: a8ad41000002
Create Date: 2026-11-30 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a6ba1a000003"
down_revision = "a8ad41000002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

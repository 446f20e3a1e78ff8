"""administration: shop verification, moderation, reports, reviews

Revision ID: a8ad41000002
Revises: a7c0ce000001
Create Date: 2026-11-30 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a8ad41000002"
down_revision = "a7c0ce000001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

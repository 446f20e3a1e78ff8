"""trade fair showcase pages

Revision ID: a9fa1e000004
Revises: a6ba1a000003
Create Date: 2026-11-30 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a9fa1e000004"
down_revision = "a6ba1a000003"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""OCOP certificate workflow and traceability lots

Revision ID: a7c0ce000001
Revises: f3aa2e41a887
Create Date: 2026-11-30 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c0ce000001"
down_revision = "f3aa2e41a887"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

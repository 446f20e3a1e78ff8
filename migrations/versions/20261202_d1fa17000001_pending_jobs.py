"""pending jobs kept in the database (Redis or the mail server down)

Revision ID: d1fa17000001
Revises: a9fa1e000004
Create Date: 2026-12-02 04:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1fa17000001"
down_revision = "c1a000000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("gave_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_job")),
    )
    with op.batch_alter_table("pending_job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_job_next_attempt_at"), ["next_attempt_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("pending_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_job_next_attempt_at"))
    op.drop_table("pending_job")

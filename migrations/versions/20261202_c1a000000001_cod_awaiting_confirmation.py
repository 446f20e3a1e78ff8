"""cash-on-delivery shop orders await the cooperative's confirmation, not a payment

Revision ID: c1a000000001
Revises: a9fa1e000004
Create Date: 2026-12-02 04:00:00

Only data changes: the status column already holds any string. Open COD shop orders move
from pending_payment to awaiting_confirmation, and their logged moves say the same, so the
timeline and the state machine agree with the rows.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c1a000000001"
down_revision = "c2a0b1000001"
branch_labels = None
depends_on = None

COD_ORDERS = "SELECT id FROM \"order\" WHERE payment_method = 'cod'"


def _rename(old: str, new: str) -> None:
    op.execute(
        f"UPDATE shop_order SET status = '{new}' "
        f"WHERE status = '{old}' AND order_id IN ({COD_ORDERS})"
    )
    for column in ("from_status", "to_status"):
        op.execute(
            f"UPDATE order_event SET {column} = '{new}' "
            f"WHERE {column} = '{old}' AND order_id IN ({COD_ORDERS})"
        )


def upgrade():
    _rename("pending_payment", "awaiting_confirmation")


def downgrade():
    _rename("awaiting_confirmation", "pending_payment")

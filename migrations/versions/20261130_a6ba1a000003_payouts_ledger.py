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


def shop_columns() -> list[sa.Column]:
    return [
        sa.Column("commission_bps", sa.Integer(), nullable=True),
        sa.Column("payout_minimum_vnd", sa.BigInteger(), nullable=True),
        sa.Column("payout_bank_bin", sa.String(length=6), nullable=True),
        sa.Column("payout_account_no", sa.String(length=34), nullable=True),
        sa.Column("payout_account_holder", sa.String(length=120), nullable=True),
        sa.Column("stripe_account_id", sa.String(length=64), nullable=True),
        sa.Column(
            "stripe_payouts_enabled", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    ]


def upgrade():
    op.create_table(
        "payout_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_payout_run_actor_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_run")),
    )
    op.create_table(
        "ledger_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_ledger_account_shop_id_shop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_account")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_account_code")),
        sa.UniqueConstraint("shop_id", "kind", name="uq_ledger_account_shop_kind"),
    )
    op.create_table(
        "payout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("bank_bin", sa.String(length=6), nullable=True),
        sa.Column("account_no", sa.String(length=34), nullable=True),
        sa.Column("account_holder", sa.String(length=120), nullable=True),
        sa.Column("transfer_message", sa.String(length=60), nullable=False),
        sa.Column("stripe_account_id", sa.String(length=64), nullable=True),
        sa.Column("stripe_transfer_id", sa.String(length=64), nullable=True),
        sa.Column("transfer_group", sa.String(length=500), nullable=True),
        sa.Column("reversed_vnd", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("failure_reason", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_vnd > 0", name=op.f("ck_payout_amount_positive")),
        sa.ForeignKeyConstraint(
            ["completed_by_id"], ["user.id"], name=op.f("fk_payout_completed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["payout_run.id"], name=op.f("fk_payout_run_id_payout_run")
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_payout_shop_id_shop")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout")),
        sa.UniqueConstraint("stripe_transfer_id", name=op.f("uq_payout_stripe_transfer_id")),
    )
    with op.batch_alter_table("payout", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payout_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payout_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "payout_shop_order",
        sa.Column("payout_id", sa.Integer(), nullable=False),
        sa.Column("shop_order_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payout_id"], ["payout.id"], name=op.f("fk_payout_shop_order_payout_id_payout")
        ),
        sa.ForeignKeyConstraint(
            ["shop_order_id"],
            ["shop_order.id"],
            name=op.f("fk_payout_shop_order_shop_order_id_shop_order"),
        ),
        sa.PrimaryKeyConstraint("payout_id", "shop_order_id", name=op.f("pk_payout_shop_order")),
    )
    with op.batch_alter_table("payout_shop_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payout_shop_order_shop_order_id"), ["shop_order_id"], unique=False
        )

    op.create_table(
        "ledger_transaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("shop_order_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("payout_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("memo", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_ledger_transaction_actor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"], ["payout.id"], name=op.f("fk_ledger_transaction_payout_id_payout")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refund.id"], name=op.f("fk_ledger_transaction_refund_id_refund")
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_ledger_transaction_shop_id_shop")
        ),
        sa.ForeignKeyConstraint(
            ["shop_order_id"],
            ["shop_order.id"],
            name=op.f("fk_ledger_transaction_shop_order_id_shop_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transaction")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_transaction_key")),
    )
    with op.batch_alter_table("ledger_transaction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_transaction_kind_created", ["kind", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_ledger_transaction_shop_created", ["shop_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_transaction_shop_order_id"), ["shop_order_id"], unique=False
        )

    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_account.id"],
            name=op.f("fk_ledger_entry_account_id_ledger_account"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["ledger_transaction.id"],
            name=op.f("fk_ledger_entry_transaction_id_ledger_transaction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_entry_account", ["account_id", "transaction_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_entry_transaction_id"), ["transaction_id"], unique=False
        )

    # Plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+ and PostgreSQL): no table rebuild, so
    # rows in tables that reference these ones never get in the way.
    op.add_column("category", sa.Column("commission_bps", sa.Integer(), nullable=True))
    op.add_column("order_line", sa.Column("commission_bps", sa.Integer(), nullable=True))
    op.add_column("shop_order", sa.Column("commission_bps", sa.Integer(), nullable=True))
    for column in shop_columns():
        op.add_column("shop", column)
    op.create_index("ix_shop_stripe_account_id", "shop", ["stripe_account_id"], unique=True)


def downgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_transaction_id"))
        batch_op.drop_index("ix_ledger_entry_account")

    op.drop_table("ledger_entry")
    with op.batch_alter_table("ledger_transaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_transaction_shop_order_id"))
        batch_op.drop_index("ix_ledger_transaction_shop_created")
        batch_op.drop_index("ix_ledger_transaction_kind_created")

    op.drop_table("ledger_transaction")
    with op.batch_alter_table("payout_shop_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_shop_order_shop_order_id"))

    op.drop_table("payout_shop_order")
    with op.batch_alter_table("payout", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_shop_id"))
        batch_op.drop_index(batch_op.f("ix_payout_run_id"))

    op.drop_table("payout")
    op.drop_table("ledger_account")
    op.drop_table("payout_run")
    op.drop_index("ix_shop_stripe_account_id", table_name="shop")
    for column in reversed(shop_columns()):
        op.drop_column("shop", column.name)
    op.drop_column("shop_order", "commission_bps")
    op.drop_column("order_line", "commission_bps")
    op.drop_column("category", "commission_bps")

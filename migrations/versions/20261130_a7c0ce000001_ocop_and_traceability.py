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
    op.create_table(
        "lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("produced_on", sa.Date(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("commune", sa.String(length=120), nullable=False),
        sa.Column("area_code", sa.String(length=60), nullable=False),
        sa.Column("inputs_vi", sa.Text(), nullable=False),
        sa.Column("inputs_en", sa.Text(), nullable=False),
        sa.Column("quantity", sa.String(length=80), nullable=False),
        sa.Column("is_current", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_lot_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["province.id"], name=op.f("fk_lot_province_id_province")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot")),
        sa.UniqueConstraint("code", name=op.f("uq_lot_code")),
    )
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_product_id"), ["product_id"], unique=False)

    op.create_table(
        "lot_certification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lot.id"], name=op.f("fk_lot_certification_lot_id_lot")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_certification")),
    )
    with op.batch_alter_table("lot_certification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_certification_lot_id"), ["lot_id"], unique=False)

    op.create_table(
        "lot_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("description_vi", sa.String(length=300), nullable=False),
        sa.Column("description_en", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_lot_step_lot_id_lot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_step")),
    )
    with op.batch_alter_table("lot_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_step_lot_id"), ["lot_id"], unique=False)

    with op.batch_alter_table("ocop_certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scan_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("submitted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("rejection_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("revocation_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_ocop_certificate_status"), ["status"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_ocop_certificate_submitted_by_id_user"),
            "user",
            ["submitted_by_id"],
            ["id"],
        )
    op.execute("UPDATE ocop_certificate SET updated_at = created_at")
    with op.batch_alter_table("ocop_certificate", schema=None) as batch_op:
        batch_op.alter_column(
            "updated_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )

    # Plain ALTER TABLE on SQLite too: rebuilding `product` would trip its foreign keys.
    op.add_column("product", sa.Column("gtin", sa.String(length=14), nullable=True))
    op.create_index(op.f("ix_product_gtin"), "product", ["gtin"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_product_gtin"), table_name="product")
    op.drop_column("product", "gtin")

    with op.batch_alter_table("ocop_certificate", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ocop_certificate_submitted_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_ocop_certificate_status"))
        batch_op.drop_column("updated_at")
        batch_op.drop_column("reminder_sent_at")
        batch_op.drop_column("revocation_reason")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("submitted_by_id")
        batch_op.drop_column("scan_key")

    with op.batch_alter_table("lot_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_step_lot_id"))
    op.drop_table("lot_step")
    with op.batch_alter_table("lot_certification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_certification_lot_id"))
    op.drop_table("lot_certification")
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_product_id"))
    op.drop_table("lot")

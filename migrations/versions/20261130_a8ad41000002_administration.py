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
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reporter_ip", sa.String(length=45), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["user.id"], name=op.f("fk_report_reporter_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["user.id"], name=op.f("fk_report_resolved_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index("ix_report_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_report_target", ["target_type", "target_id"], unique=False)

    op.create_table(
        "shop_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shop.id"],
            name=op.f("fk_shop_document_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name=op.f("fk_shop_document_uploaded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_document")),
        sa.UniqueConstraint("key", name=op.f("uq_shop_document_key")),
    )
    with op.batch_alter_table("shop_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_document_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("moderation_reason", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_review_rating_1_to_5")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_review_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replied_by_id"], ["user.id"], name=op.f("fk_review_replied_by_id_user")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_review_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("product_id", "user_id", name="uq_review_product_user"),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_product_id"), ["product_id"], unique=False)
        batch_op.create_index(
            "ix_review_product_status", ["product_id", "status", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("moderation_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("last_rejected_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "legal_representative", sa.String(length=160), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("registered_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("status_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_shop_verified_by_id_user"), "user", ["verified_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_shop_registered_by_id_user"), "user", ["registered_by_id"], ["id"]
        )

    # Shops that exist already were created by the operator: they count as verified.
    op.execute(sa.text("UPDATE shop SET verified_at = created_at WHERE status = 'active'"))


def downgrade():
    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_shop_registered_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_shop_verified_by_id_user"), type_="foreignkey")
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("verified_by_id")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("registered_by_id")
        batch_op.drop_column("legal_representative")

    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_column("last_rejected_at")
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("moderated_at")
        batch_op.drop_column("submitted_at")

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_user_id"))
        batch_op.drop_index("ix_review_product_status")
        batch_op.drop_index(batch_op.f("ix_review_product_id"))
    op.drop_table("review")

    with op.batch_alter_table("shop_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_document_shop_id"))
    op.drop_table("shop_document")

    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index("ix_report_target")
        batch_op.drop_index("ix_report_status_created")
    op.drop_table("report")

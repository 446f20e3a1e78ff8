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
    op.create_table(
        "fair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("description_vi", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("theme_vi", sa.String(length=200), nullable=False),
        sa.Column("theme_en", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("map_url", sa.String(length=500), nullable=False),
        sa.Column("cover_key", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_fair_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["user.id"], name=op.f("fk_fair_organiser_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["province.id"], name=op.f("fk_fair_province_id_province")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair")),
        sa.UniqueConstraint("slug", name=op.f("uq_fair_slug")),
    )
    with op.batch_alter_table("fair", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_organiser_id"), ["organiser_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fair_status"), ["status"], unique=False)

    op.create_table(
        "fair_exhibitor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("booth", sa.String(length=20), nullable=False),
        sa.Column("hall", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["fair_id"],
            ["fair.id"],
            name=op.f("fk_fair_exhibitor_fair_id_fair"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_fair_exhibitor_shop_id_shop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_exhibitor")),
        sa.UniqueConstraint("fair_id", "shop_id", name="uq_fair_exhibitor_shop"),
    )
    with op.batch_alter_table("fair_exhibitor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_exhibitor_fair_id"), ["fair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fair_exhibitor_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "fair_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title_vi", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_vi", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("image_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["fair_id"], ["fair.id"], name=op.f("fk_fair_section_fair_id_fair"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_section")),
    )
    with op.batch_alter_table("fair_section", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_section_fair_id"), ["fair_id"], unique=False)

    op.create_table(
        "schedule_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("title_vi", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("speaker", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "ends_at IS NULL OR ends_at >= starts_at", name=op.f("ck_schedule_event_times_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["fair_id"],
            ["fair.id"],
            name=op.f("fk_schedule_event_fair_id_fair"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_event")),
    )
    with op.batch_alter_table("schedule_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_event_fair_id"), ["fair_id"], unique=False)

    op.create_table(
        "fair_featured_product",
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"],
            ["fair_exhibitor.id"],
            name=op.f("fk_fair_featured_product_exhibitor_id_fair_exhibitor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_fair_featured_product_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "exhibitor_id", "product_id", name=op.f("pk_fair_featured_product")
        ),
    )
    op.create_table(
        "fair_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("caption_vi", sa.String(length=200), nullable=False),
        sa.Column("caption_en", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["fair_section.id"],
            name=op.f("fk_fair_image_section_id_fair_section"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_image")),
    )
    with op.batch_alter_table("fair_image", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_image_section_id"), ["section_id"], unique=False)

    with op.batch_alter_table("cart_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fair_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cart_item_fair_id_fair"),
            "fair",
            ["fair_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fair_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_order_line_fair_id"), ["fair_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_order_line_fair_id_fair"),
            "fair",
            ["fair_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_order_line_fair_id_fair"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_order_line_fair_id"))
        batch_op.drop_column("fair_id")

    with op.batch_alter_table("cart_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cart_item_fair_id_fair"), type_="foreignkey")
        batch_op.drop_column("fair_id")

    with op.batch_alter_table("fair_image", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_image_section_id"))

    op.drop_table("fair_image")
    op.drop_table("fair_featured_product")
    with op.batch_alter_table("schedule_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_event_fair_id"))

    op.drop_table("schedule_event")
    with op.batch_alter_table("fair_section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_section_fair_id"))

    op.drop_table("fair_section")
    with op.batch_alter_table("fair_exhibitor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_exhibitor_shop_id"))
        batch_op.drop_index(batch_op.f("ix_fair_exhibitor_fair_id"))

    op.drop_table("fair_exhibitor")
    with op.batch_alter_table("fair", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_status"))
        batch_op.drop_index(batch_op.f("ix_fair_organiser_id"))

    op.drop_table("fair")

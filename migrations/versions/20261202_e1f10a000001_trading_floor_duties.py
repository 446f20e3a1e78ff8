"""trading floor duties: seller verification and kind, policies, consents, personal data,
withheld tax

Revision ID: e1f10a000001
Revises: a9fa1e000004
Create Date: 2026-12-02 04:04:04

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "e1f10a000001"
down_revision = "c1a000000002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("data_kinds", sa.String(length=255), nullable=False),
        sa.Column("affected_count", sa.Integer(), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notify_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_data_incident_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_incident")),
    )
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["completed_by_id"], ["user.id"], name=op.f("fk_data_request_completed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_data_request_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_request")),
    )
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_request_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_request_user_id"), ["user_id"], unique=False)

    op.create_table(
        "policy_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title_vi", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_vi", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("summary_vi", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_policy_version_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_version")),
        sa.UniqueConstraint("kind", "version", name="uq_policy_version_kind"),
    )
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_version_kind"), ["kind"], unique=False)

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("policy_version_id", sa.Integer(), nullable=True),
        sa.Column("way", sa.String(length=40), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_way", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_version_id"],
            ["policy_version.id"],
            name=op.f("fk_consent_policy_version_id_policy_version"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_consent_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_user_id"), ["user_id"], unique=False)

    op.create_table(
        "policy_acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("policy_version_id", sa.Integer(), nullable=False),
        sa.Column("way", sa.String(length=40), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_version_id"],
            ["policy_version.id"],
            name=op.f("fk_policy_acceptance_policy_version_id_policy_version"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shop.id"],
            name=op.f("fk_policy_acceptance_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_policy_acceptance_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_acceptance")),
        sa.UniqueConstraint("user_id", "shop_id", "policy_version_id", name="uq_policy_acceptance"),
    )
    with op.batch_alter_table("policy_acceptance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_acceptance_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_policy_acceptance_user_id"), ["user_id"], unique=False)

    op.create_table(
        "shop_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("legal_snapshot", sa.JSON(), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shop.id"],
            name=op.f("fk_shop_verification_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["user.id"], name=op.f("fk_shop_verification_verified_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_verification")),
    )
    with op.batch_alter_table("shop_verification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_verification_shop_id"), ["shop_id"], unique=False)

    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("legal_name", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "seller_kind", sa.String(length=20), nullable=False, server_default="organisation"
            )
        )
        batch_op.add_column(
            sa.Column(
                "seller_type", sa.String(length=30), nullable=False, server_default="cooperative"
            )
        )
        batch_op.add_column(sa.Column("owner_id_number", sa.String(length=12), nullable=True))
        batch_op.add_column(
            sa.Column("legal_changed_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "tax_withholding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("shop_order_id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("ledger_transaction_id", sa.Integer(), nullable=False),
        sa.Column("revenue_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat_vnd", sa.BigInteger(), nullable=False),
        sa.Column("pit_vnd", sa.BigInteger(), nullable=False),
        sa.Column("rates", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_transaction_id"],
            ["ledger_transaction.id"],
            name=op.f("fk_tax_withholding_ledger_transaction_id_ledger_transaction"),
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refund.id"], name=op.f("fk_tax_withholding_refund_id_refund")
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_tax_withholding_shop_id_shop")
        ),
        sa.ForeignKeyConstraint(
            ["shop_order_id"],
            ["shop_order.id"],
            name=op.f("fk_tax_withholding_shop_order_id_shop_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_withholding")),
        sa.UniqueConstraint(
            "ledger_transaction_id", name=op.f("uq_tax_withholding_ledger_transaction_id")
        ),
    )
    with op.batch_alter_table("tax_withholding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tax_withholding_shop_created", ["shop_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tax_withholding_shop_order_id"), ["shop_order_id"], unique=False
        )

    seed_policies()


def downgrade():
    with op.batch_alter_table("tax_withholding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tax_withholding_shop_order_id"))
        batch_op.drop_index("ix_tax_withholding_shop_created")
    op.drop_table("tax_withholding")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.drop_column("legal_changed_at")
        batch_op.drop_column("owner_id_number")
        batch_op.drop_column("seller_type")
        batch_op.drop_column("seller_kind")
        batch_op.drop_column("legal_name")

    with op.batch_alter_table("shop_verification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_verification_shop_id"))

    op.drop_table("shop_verification")
    with op.batch_alter_table("policy_acceptance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_acceptance_user_id"))
        batch_op.drop_index(batch_op.f("ix_policy_acceptance_shop_id"))

    op.drop_table("policy_acceptance")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_user_id"))

    op.drop_table("consent")
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_version_kind"))

    op.drop_table("policy_version")
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_request_user_id"))
        batch_op.drop_index(batch_op.f("ix_data_request_due_at"))

    op.drop_table("data_request")
    op.drop_table("data_incident")


# Version 1 of each policy, in force from 1 December 2026: the texts the demo ships. Admins
# publish later versions from /admin/policies; this copy is frozen with the migration.
POLICIES = [
    (
        "operating-rules",
        "Quy chế hoạt động sàn giao dịch thương mại điện tử Chợ HTX",
        "Operating rules of the Chợ HTX e-commerce trading floor",
        """# 1. Phạm vi
Chợ HTX là sàn giao dịch thương mại điện tử nơi các hợp tác xã, liên hiệp hợp tác xã, tổ hợp tác, hộ kinh doanh và cá nhân (gọi chung là người bán) bán sản phẩm cho người mua. Thông tin của đơn vị vận hành sàn được ghi ở đầu quy chế này và ở chân mỗi trang.

# 2. Người bán
Người bán đăng ký với tên, địa chỉ, mã số thuế hoặc số đăng ký kinh doanh, số điện thoại và người đại diện theo pháp luật, kèm bản chụp giấy chứng nhận đăng ký. Chợ HTX kiểm tra các thông tin này trước khi mở gian hàng và ghi lại ai đã kiểm tra, kiểm tra những gì và khi nào. Khi người bán sửa các thông tin pháp lý, gian hàng được kiểm tra lại. Người bán chấp nhận quy chế này khi đăng ký và chấp nhận lại mỗi phiên bản mới.

# 3. Thông tin sản phẩm
Người bán cung cấp thông tin đầy đủ, chính xác về sản phẩm, giá, xuất xứ và điều kiện giao hàng. Sản phẩm bị cấm kinh doanh hoặc hàng giả không được đăng bán; Chợ HTX duyệt tin đăng và gỡ tin vi phạm.

# 4. Giao dịch và thanh toán
Người mua thanh toán khi nhận hàng, chuyển khoản VietQR hoặc thẻ. Chợ HTX giữ tiền bán hàng đến hết thời hạn đổi trả rồi chuyển cho người bán sau khi trừ hoa hồng và, với hộ kinh doanh và cá nhân, số thuế sàn khấu trừ và nộp thay.

# 5. Đổi trả và khiếu nại
Người mua có thể yêu cầu đổi trả hoặc hoàn tiền theo Chính sách đổi trả. Khiếu nại được người bán trả lời trước; nếu không giải quyết được, Chợ HTX xem xét và quyết định.

# 6. Dữ liệu cá nhân
Chợ HTX xử lý dữ liệu cá nhân theo Chính sách bảo mật. Người bán chỉ dùng dữ liệu của người mua để giao hàng và chăm sóc đơn hàng.

# 7. Sửa đổi quy chế
Phiên bản mới được thông báo cho mọi người dùng qua thư điện tử ít nhất 5 ngày trước ngày có hiệu lực.""",
        """# 1. Scope
Chợ HTX is an e-commerce trading floor on which cooperatives, unions of cooperatives, cooperative groups, household businesses and individuals (the sellers) sell products to buyers. The operator's details are given at the top of these rules and at the foot of every page.

# 2. Sellers
Sellers register with their name, address, tax or business registration code, phone and legal representative, with a scan of their registration certificate. Chợ HTX checks these facts before a shop opens and records who checked what and when. When a seller changes its legal details, the shop is checked again. Sellers accept these rules when they register and again for every new version.

# 3. Product information
Sellers give complete and accurate information on products, prices, origin and delivery terms. Prohibited or counterfeit goods may not be listed; Chợ HTX reviews listings and removes those that break the rules.

# 4. Orders and payment
Buyers pay cash on delivery, by VietQR bank transfer or by card. Chợ HTX holds the proceeds until the return window has passed, then pays the seller less the commission and, for household and individual sellers, the tax the floor withholds and pays on their behalf.

# 5. Returns and complaints
Buyers may ask for a return or refund under the Returns policy. The seller answers first; if they cannot agree, Chợ HTX reviews the case and decides.

# 6. Personal data
Chợ HTX processes personal data under its Privacy policy. Sellers use buyers' data only to deliver and look after their orders.

# 7. Changes
A new version is announced to every user by email at least 5 days before it takes effect.""",
    ),
    (
        "privacy",
        "Chính sách bảo vệ dữ liệu cá nhân",
        "Privacy policy",
        """# Dữ liệu chúng tôi thu thập
Tên, địa chỉ thư điện tử, mật khẩu (đã mã hoá), số điện thoại và địa chỉ giao hàng, đơn hàng, đánh giá và các yêu cầu đổi trả của bạn.

# Mục đích
Tạo và quản lý tài khoản, giao hàng, thanh toán, chăm sóc khách hàng và thực hiện nghĩa vụ pháp lý (hoá đơn, sổ sách, thuế). Thư tin tức và ưu đãi chỉ được gửi khi bạn đồng ý riêng, và bạn có thể rút lại sự đồng ý này bất cứ lúc nào trên trang tài khoản.

# Chia sẻ
Người bán nhận tên, số điện thoại và địa chỉ giao hàng của đơn hàng họ bán. Đơn vị vận chuyển và thanh toán nhận những gì cần cho việc của họ. Chúng tôi không bán dữ liệu cá nhân.

# Quyền của bạn
Bạn có thể tải về toàn bộ dữ liệu của mình, sửa thông tin và xoá tài khoản trên trang tài khoản. Khi tài khoản bị xoá, đơn hàng và sổ sách mà pháp luật yêu cầu lưu giữ được giữ lại nhưng các thông tin cá nhân được ẩn danh.

# Lưu giữ và an toàn
Giấy tờ đăng ký của người bán được xoá khi không còn cần. Nếu xảy ra sự cố lộ lọt dữ liệu, chúng tôi ghi nhận và thông báo cho cơ quan có thẩm quyền theo quy định.""",
        """# What we collect
Your name, email address, password (hashed), phone number and delivery addresses, your orders, reviews and return requests.

# Why
To create and run your account, deliver and take payment for orders, help you, and meet legal duties (invoices, books, tax). News and offers are sent only if you agree separately, and you can withdraw that consent at any time on your account page.

# Who receives it
Sellers receive the name, phone and delivery address of the orders they sell. Carriers and payment providers receive what their work needs. We never sell personal data.

# Your rights
You can download all your data, correct it and delete your account from your account page. When an account is deleted, the orders and books the law makes us keep stay, with the personal details anonymised.

# Keeping and protecting it
Sellers' registration papers are deleted once they are no longer needed. If personal data is ever exposed, we record the incident and notify the authority as the law requires.""",
    ),
    (
        "returns",
        "Chính sách đổi trả và kiểm hàng",
        "Returns and inspection policy",
        """# Kiểm hàng
Bạn được kiểm tra hàng khi nhận. Nếu hàng hỏng, sai hoặc thiếu, hãy chụp ảnh và báo trên trang đơn hàng.

# Thời hạn
Bạn có thể yêu cầu đổi trả hoặc hoàn tiền trong 7 ngày kể từ khi nhận hàng. Thực phẩm tươi sống chỉ được đổi trả khi hỏng hoặc sai.

# Hoàn tiền
Khi người bán hoặc Chợ HTX chấp nhận, tiền được hoàn theo cách bạn đã thanh toán (thẻ) hoặc chuyển khoản (thanh toán khi nhận hàng, VietQR).""",
        """# Inspection
You may inspect goods on delivery. If something is damaged, wrong or missing, take photos and report it on your order page.

# Deadline
You can ask for a return or refund within 7 days of delivery. Fresh food is returned only when spoiled or wrong.

# Refunds
Once the seller or Chợ HTX accepts, the money goes back the way you paid (card) or by bank transfer (cash on delivery, VietQR).""",
    ),
    (
        "terms",
        "Điều khoản sử dụng",
        "Terms of use",
        """# Tài khoản
Bạn chịu trách nhiệm giữ mật khẩu và thông tin tài khoản chính xác.

# Sử dụng
Không đăng nội dung sai sự thật, xúc phạm hoặc vi phạm pháp luật; không can thiệp vào hoạt động của sàn.

# Trách nhiệm
Người bán chịu trách nhiệm về sản phẩm họ bán; Chợ HTX chịu trách nhiệm vận hành sàn theo Quy chế hoạt động.""",
        """# Your account
You keep your password safe and your account details accurate.

# Use
Do not post false, offensive or unlawful content, and do not interfere with the floor's operation.

# Responsibility
Sellers are responsible for what they sell; Chợ HTX runs the floor under its Operating rules.""",
    ),
]


def seed_policies():
    table = sa.table(
        "policy_version",
        sa.column("kind", sa.String),
        sa.column("version", sa.Integer),
        sa.column("title_vi", sa.String),
        sa.column("title_en", sa.String),
        sa.column("body_vi", sa.Text),
        sa.column("body_en", sa.Text),
        sa.column("summary_vi", sa.Text),
        sa.column("summary_en", sa.Text),
        sa.column("effective_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    start = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 1 December 2026, 00:00 in Vietnam
    op.bulk_insert(
        table,
        [
            {
                "kind": kind,
                "version": 1,
                "title_vi": title_vi,
                "title_en": title_en,
                "body_vi": body_vi,
                "body_en": body_en,
                "summary_vi": "",
                "summary_en": "",
                "effective_at": start,
                "created_at": start,
            }
            for kind, title_vi, title_en, body_vi, body_en in POLICIES
        ],
    )

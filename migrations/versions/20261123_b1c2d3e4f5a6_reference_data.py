"""reference data: the 34 provincial units since 1 July 2025 and the category tree

Revision ID: b1c2d3e4f5a6
Revises: afecbd1bc812
Create Date: 2026-11-23 19:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f5a6"
down_revision = "afecbd1bc812"
branch_labels = None
depends_on = None

# code, slug, Vietnamese name, English name, centrally-run city
PROVINCES = [
    ("01", "ha-noi", "Hà Nội", "Hanoi", True),
    ("04", "cao-bang", "Cao Bằng", "Cao Bang", False),
    ("08", "tuyen-quang", "Tuyên Quang", "Tuyen Quang", False),
    ("11", "dien-bien", "Điện Biên", "Dien Bien", False),
    ("12", "lai-chau", "Lai Châu", "Lai Chau", False),
    ("14", "son-la", "Sơn La", "Son La", False),
    ("15", "lao-cai", "Lào Cai", "Lao Cai", False),
    ("19", "thai-nguyen", "Thái Nguyên", "Thai Nguyen", False),
    ("20", "lang-son", "Lạng Sơn", "Lang Son", False),
    ("22", "quang-ninh", "Quảng Ninh", "Quang Ninh", False),
    ("24", "bac-ninh", "Bắc Ninh", "Bac Ninh", False),
    ("25", "phu-tho", "Phú Thọ", "Phu Tho", False),
    ("31", "hai-phong", "Hải Phòng", "Hai Phong", True),
    ("33", "hung-yen", "Hưng Yên", "Hung Yen", False),
    ("37", "ninh-binh", "Ninh Bình", "Ninh Binh", False),
    ("38", "thanh-hoa", "Thanh Hóa", "Thanh Hoa", False),
    ("40", "nghe-an", "Nghệ An", "Nghe An", False),
    ("42", "ha-tinh", "Hà Tĩnh", "Ha Tinh", False),
    ("44", "quang-tri", "Quảng Trị", "Quang Tri", False),
    ("46", "hue", "Huế", "Hue", True),
    ("48", "da-nang", "Đà Nẵng", "Da Nang", True),
    ("51", "quang-ngai", "Quảng Ngãi", "Quang Ngai", False),
    ("52", "gia-lai", "Gia Lai", "Gia Lai", False),
    ("56", "khanh-hoa", "Khánh Hòa", "Khanh Hoa", False),
    ("66", "dak-lak", "Đắk Lắk", "Dak Lak", False),
    ("68", "lam-dong", "Lâm Đồng", "Lam Dong", False),
    ("75", "dong-nai", "Đồng Nai", "Dong Nai", False),
    ("79", "ho-chi-minh", "TP. Hồ Chí Minh", "Ho Chi Minh City", True),
    ("80", "tay-ninh", "Tây Ninh", "Tay Ninh", False),
    ("82", "dong-thap", "Đồng Tháp", "Dong Thap", False),
    ("86", "vinh-long", "Vĩnh Long", "Vinh Long", False),
    ("91", "an-giang", "An Giang", "An Giang", False),
    ("92", "can-tho", "Cần Thơ", "Can Tho", True),
    ("96", "ca-mau", "Cà Mau", "Ca Mau", False),
]

# slug, Vietnamese, English, children
CATEGORIES = [
    ("thuc-pham", "Thực phẩm", "Food", [
        ("gao-ngu-coc", "Gạo và ngũ cốc", "Rice and grains"),
        ("nuoc-mam-gia-vi", "Nước mắm và gia vị", "Fish sauce and condiments"),
        ("mat-ong", "Mật ong", "Honey"),
        ("trai-cay", "Trái cây", "Fruit"),
        ("rau-cu", "Rau củ", "Vegetables"),
        ("thit-hai-san", "Thịt và hải sản", "Meat and seafood"),
        ("banh-keo-dac-san", "Bánh kẹo và đặc sản", "Sweets and specialities"),
    ]),
    ("do-uong", "Đồ uống", "Beverages", [
        ("ca-phe", "Cà phê", "Coffee"),
        ("tra", "Trà", "Tea"),
        ("ruou-dac-san", "Rượu đặc sản", "Rice wine and spirits"),
        ("nuoc-ep", "Nước ép và nước giải khát", "Juices and soft drinks"),
    ]),
    ("thao-duoc", "Thảo dược", "Herbal products", [
        ("duoc-lieu", "Dược liệu", "Medicinal herbs"),
        ("tinh-dau", "Tinh dầu", "Essential oils"),
        ("my-pham-thien-nhien", "Mỹ phẩm thiên nhiên", "Natural cosmetics"),
    ]),
    ("vai-may-mac", "Vải và may mặc", "Textiles and garments", [
        ("tho-cam", "Thổ cẩm", "Brocade"),
        ("lua-to-tam", "Lụa tơ tằm", "Silk"),
    ]),
    ("thu-cong-trang-tri", "Thủ công mỹ nghệ và trang trí", "Handicrafts and decoration", [
        ("may-tre-dan", "Mây tre đan", "Bamboo and rattan"),
        ("gom-su", "Gốm sứ", "Ceramics"),
        ("son-mai-go", "Sơn mài và đồ gỗ", "Lacquer and woodwork"),
    ]),
    ("vat-tu-nong-nghiep", "Vật tư nông nghiệp", "Agricultural inputs", [
        ("giong-cay-trong", "Giống cây trồng", "Seeds and seedlings"),
        ("phan-bon-huu-co", "Phân bón hữu cơ", "Organic fertiliser"),
    ]),
    ("du-lich-cong-dong", "Du lịch cộng đồng", "Community tourism", [
        ("homestay", "Homestay", "Homestays"),
        ("trai-nghiem", "Trải nghiệm nông nghiệp", "Farm experiences"),
    ]),
]


def upgrade():
    province = sa.table(
        "province",
        sa.column("code", sa.String),
        sa.column("slug", sa.String),
        sa.column("name_vi", sa.String),
        sa.column("name_en", sa.String),
        sa.column("is_city", sa.Boolean),
    )
    op.bulk_insert(
        province,
        [
            {"code": c, "slug": s, "name_vi": vi, "name_en": en, "is_city": city}
            for c, s, vi, en, city in PROVINCES
        ],
    )
    category = sa.table(
        "category",
        sa.column("id", sa.Integer),
        sa.column("slug", sa.String),
        sa.column("name_vi", sa.String),
        sa.column("name_en", sa.String),
        sa.column("parent_id", sa.Integer),
        sa.column("position", sa.Integer),
    )
    rows, next_id = [], 1
    for position, (slug, vi, en, children) in enumerate(CATEGORIES):
        parent_id = next_id
        rows.append({"id": parent_id, "slug": slug, "name_vi": vi, "name_en": en, "parent_id": None, "position": position})
        next_id += 1
        for child_position, (child_slug, child_vi, child_en) in enumerate(children):
            rows.append({"id": next_id, "slug": child_slug, "name_vi": child_vi, "name_en": child_en, "parent_id": parent_id, "position": child_position})
            next_id += 1
    op.bulk_insert(category, rows)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval('category_id_seq', (SELECT max(id) FROM category))")


def downgrade():
    op.execute("DELETE FROM category WHERE parent_id IS NOT NULL")
    op.execute("DELETE FROM category")
    op.execute("DELETE FROM province")

"""The demo marketplace: seven cooperatives, their products, OCOP certificates and logins.

Invented cooperatives that read like real ones: names, tax codes, phones and certificate
numbers are made up in the real formats. Provinces and communes follow the 2025 reform
(Phú Quốc is a special zone of An Giang, Hà Giang is part of Tuyên Quang, Yên Bái of Lào Cai,
Tiền Giang of Đồng Tháp). Certificates issued before the merger name the old province, as the
paper does.
"""

from dataclasses import dataclass
from datetime import date

PASSWORD = "demo1234"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    shop: str | None = None  # staff of this shop


@dataclass(frozen=True)
class DemoShop:
    slug: str
    province: str  # slug
    tax_code: str
    commune: str
    address: str
    phone: str
    member_count: int
    founded_year: int
    featured: bool
    logo: str  # initials drawn on the logo
    vi: tuple[str, str]  # name, description
    en: tuple[str, str]


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    category: str  # leaf category slug
    price_vnd: int
    stock: int
    unit: tuple[str, str]  # Vietnamese, English
    weight_g: int | None
    vi: tuple[str, str]  # name, description; ("", "") when only English is filled
    en: tuple[str, str]
    images: int = 1
    status: str = "approved"
    hidden: bool = False


@dataclass(frozen=True)
class DemoCertificate:
    shop: str
    sku: str
    certificate_no: str
    stars: int
    issuer: str
    issued_on: date
    expires_on: date  # as printed on the certificate, never computed
    product_group: str


USERS = [
    DemoUser("buyer@chohtx.vn", "Nguyễn Thị Lan", "buyer"),
    DemoUser("staff@chohtx.vn", "Y Khoa Niê", "staff", shop="htx-ca-phe-ea-tu"),
    DemoUser("staff2@chohtx.vn", "Lê Thị Hồng", "staff", shop="htx-nuoc-mam-phu-quoc"),
    DemoUser("admin@chohtx.vn", "Quản trị Chợ HTX", "admin"),
    DemoUser("organiser@chohtx.vn", "Phạm Quốc Hùng", "organiser"),
    DemoUser("viewer@chohtx.vn", "Trần Văn Minh (Liên minh HTX)", "viewer"),
    # Registers a cooperative that waits for verification (and so becomes its staff).
    DemoUser("applicant@chohtx.vn", "Đinh Văn Tâm", "buyer"),
]

SHOPS = [
    DemoShop(
        slug="htx-ca-phe-ea-tu",
        province="dak-lak",
        tax_code="6001583247",
        commune="phường Tân An",
        address="Thôn 4, đường Nguyễn Lương Bằng",
        phone="0905318426",
        member_count=126,
        founded_year=2016,
        featured=True,
        logo="ET",
        vi=(
            "Hợp tác xã Nông nghiệp Dịch vụ Cà phê Ea Tu",
            "126 hộ thành viên trồng cà phê Robusta trên đất đỏ bazan, hái chín và chế biến tại "
            "xưởng của hợp tác xã. Chúng tôi bán trực tiếp, không qua thương lái.",
        ),
        en=(
            "Ea Tu Coffee Agricultural Service Cooperative",
            "126 member families grow Robusta on the red basalt soil of Dak Lak, pick only ripe "
            "cherries and roast them at the cooperative's own workshop. We sell direct, with no "
            "middlemen.",
        ),
    ),
    DemoShop(
        slug="htx-nuoc-mam-phu-quoc",
        province="an-giang",
        tax_code="1702194386",
        commune="đặc khu Phú Quốc",
        address="Tổ 3, khu phố 2, đường Hùng Vương",
        phone="0918427503",
        member_count=42,
        founded_year=2012,
        featured=True,
        logo="HT",
        vi=(
            "Hợp tác xã Nước mắm Phú Quốc Hưng Thịnh",
            "Nước mắm cá cơm ủ chượp trong thùng gỗ bời lời từ 12 đến 15 tháng theo cách làm "
            "truyền thống của đảo Phú Quốc. Chỉ cá cơm và muối, không chất bảo quản.",
        ),
        en=(
            "Hung Thinh Phu Quoc Fish Sauce Cooperative",
            "Anchovy fish sauce fermented for 12 to 15 months in wooden barrels, the traditional "
            "way of Phu Quoc island. Only anchovies and salt, no preservatives.",
        ),
    ),
    DemoShop(
        slug="htx-che-tan-cuong",
        province="thai-nguyen",
        tax_code="4601237859",
        commune="xã Tân Cương",
        address="Xóm Soi Mít",
        phone="0984205617",
        member_count=38,
        founded_year=2011,
        featured=True,
        logo="TC",
        vi=(
            "Hợp tác xã Chè Tân Cương Hoàng Bình",
            "Vùng chè đặc sản Tân Cương đạt chứng nhận VietGAP. Chè được hái một tôm hai lá "
            "vào buổi sáng và sao bằng chảo gang ngay trong ngày.",
        ),
        en=(
            "Hoang Binh Tan Cuong Tea Cooperative",
            "VietGAP-certified gardens in Tan Cuong, Vietnam's best-known green tea area. "
            "Leaves are picked in the morning, one bud and two leaves, and pan-roasted the "
            "same day.",
        ),
    ),
    DemoShop(
        slug="htx-mat-ong-dong-van",
        province="tuyen-quang",
        tax_code="5100683142",
        commune="xã Đồng Văn",
        address="Thôn Sảng Pả A",
        phone="0972618304",
        member_count=56,
        founded_year=2015,
        featured=True,
        logo="ĐV",
        vi=(
            "Hợp tác xã Mật ong Bạc hà Đồng Văn",
            "Đàn ong nội của đồng bào Mông trên cao nguyên đá Đồng Văn, lấy mật từ hoa bạc hà "
            "dại nở vào tháng 10 đến tháng 12.",
        ),
        en=(
            "Dong Van Mint Honey Cooperative",
            "Native bees kept by Hmong families on the Dong Van karst plateau, making honey "
            "from the wild mint that flowers from October to December.",
        ),
    ),
    DemoShop(
        slug="htx-tho-cam-ta-phin",
        province="lao-cai",
        tax_code="5300741628",
        commune="xã Tả Phìn",
        address="Thôn Sả Séng",
        phone="0354816297",
        member_count=64,
        founded_year=2014,
        featured=True,
        logo="TP",
        vi=(
            "Hợp tác xã Thổ cẩm Dao đỏ Tả Phìn",
            "Phụ nữ Dao đỏ thêu tay và nhuộm chàm theo hoa văn của dân tộc mình. Hợp tác xã "
            "còn giữ bài thuốc tắm lá truyền thống và đón khách ở nhà gỗ.",
        ),
        en=(
            "Ta Phin Red Dao Brocade Cooperative",
            "Red Dao women embroider by hand and dye with indigo in their own patterns. The "
            "cooperative also keeps the traditional herbal bath recipe and welcomes guests in "
            "its wooden houses.",
        ),
    ),
    DemoShop(
        slug="htx-nong-nghiep-thap-muoi",
        province="dong-thap",
        tax_code="1400965213",
        commune="xã Tháp Mười",
        address="Ấp 3, quốc lộ N2",
        phone="0939472158",
        member_count=214,
        founded_year=2009,
        featured=False,
        logo="TM",
        vi=(
            "Hợp tác xã Nông nghiệp Tháp Mười",
            "Cánh đồng lớn 380 ha lúa thơm và đầm sen ở vùng Đồng Tháp Mười. Thành viên canh "
            "tác theo quy trình giảm phát thải, rơm rạ được ủ thành phân hữu cơ.",
        ),
        en=(
            "Thap Muoi Agricultural Cooperative",
            "A 380-hectare field of fragrant rice and lotus ponds in the Plain of Reeds. "
            "Members farm with a low-emission method and compost the rice straw.",
        ),
    ),
    DemoShop(
        slug="htx-gom-bat-trang",
        province="ha-noi",
        tax_code="0101874365",
        commune="xã Bát Tràng",
        address="Thôn Giang Cao",
        phone="0983216457",
        member_count=31,
        founded_year=2010,
        featured=True,
        logo="BT",
        vi=(
            "Hợp tác xã Gốm sứ và Mây tre Bát Tràng",
            "Nghệ nhân làng gốm Bát Tràng vẽ tay men lam, men rạn, kết hợp với thợ đan mây tre "
            "Phú Vinh và sơn mài Hạ Thái của Hà Nội.",
        ),
        en=(
            "Bat Trang Ceramics and Bamboo Cooperative",
            "Potters of Bat Trang village hand-paint blue and crackle glazes, together with "
            "rattan weavers from Phu Vinh and lacquer artisans from Ha Thai, all in Hanoi.",
        ),
    ),
]

PRODUCTS = {
    "htx-ca-phe-ea-tu": [
        DemoProduct(
            sku="CF-01",
            category="ca-phe",
            price_vnd=165_000,
            stock=140,
            unit=("gói 500 g", "500 g pack"),
            weight_g=520,
            vi=(
                "Cà phê Robusta rang mộc nguyên hạt",
                "Hạt Robusta hái chín, rang mộc vừa, không tẩm bơ hay hương liệu. Vị đậm, "
                "đắng dịu, hậu ngọt; hợp pha phin hoặc máy.",
            ),
            en=(
                "Robusta coffee beans, medium roast",
                "Ripe-picked Robusta, roasted plain with no butter or flavouring. Full-bodied "
                "and mellow with a sweet finish; good for phin filter or espresso.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="CF-02",
            category="ca-phe",
            price_vnd=120_000,
            stock=200,
            unit=("gói 500 g", "500 g pack"),
            weight_g=520,
            vi=(
                "Cà phê bột pha phin truyền thống",
                "Robusta phối 20% Arabica, xay sẵn cỡ hạt vừa cho phin. Pha với sữa đặc thành "
                "ly cà phê sữa đá đúng vị Buôn Ma Thuột.",
            ),
            en=(
                "Ground coffee for the phin filter",
                "Robusta with 20% Arabica, ground for the Vietnamese phin. Add condensed milk "
                "and ice for a proper Buon Ma Thuot iced coffee.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="CF-03",
            category="ca-phe",
            price_vnd=195_000,
            stock=60,
            unit=("gói 500 g", "500 g pack"),
            weight_g=520,
            vi=(
                "Cà phê Culi Robusta đặc biệt",
                "Chỉ những hạt tròn một nhân (culi) được tuyển tay. Hương thơm nồng, vị đậm "
                "hơn cà phê thường.",
            ),
            en=(
                "Robusta peaberry (culi) coffee",
                "Hand-sorted peaberries only: one round bean per cherry. A stronger aroma and "
                "body than regular beans.",
            ),
        ),
        DemoProduct(
            sku="CF-04",
            category="ca-phe",
            price_vnd=145_000,
            stock=45,
            unit=("gói 250 g", "250 g pack"),
            weight_g=270,
            vi=(
                "Cà phê Robusta chế biến mật ong",
                "Quả cà phê được bóc vỏ và phơi cùng lớp nhớt trên giàn cao. Vị ngọt trái cây, "
                "chua nhẹ, rang sáng màu.",
            ),
            en=(
                "Honey-processed Robusta beans",
                "Pulped cherries dried with their sticky mucilage on raised beds. Fruity "
                "sweetness, a gentle acidity, light roast.",
            ),
        ),
        DemoProduct(
            sku="CF-05",
            category="ca-phe",
            price_vnd=75_000,
            stock=300,
            unit=("hộp 20 gói", "box of 20 sachets"),
            weight_g=360,
            vi=(
                "Cà phê hòa tan 3 trong 1",
                "Cà phê, đường mía và bột kem trong từng gói 18 g. Tiện mang đi làm, đi du lịch.",
            ),
            en=(
                "3-in-1 instant coffee",
                "Coffee, cane sugar and creamer in 18 g sachets. Handy for the office or travel.",
            ),
        ),
        DemoProduct(
            sku="CF-06",
            category="ca-phe",
            price_vnd=55_000,
            stock=80,
            unit=("chai 250 ml", "250 ml bottle"),
            weight_g=300,
            vi=("", ""),
            en=(
                "Cold brew coffee, bottled",
                "Robusta steeped in cold water for 18 hours, then bottled. Smooth and low in "
                "bitterness; keep in the fridge and drink within 10 days.",
            ),
        ),
        DemoProduct(
            sku="CF-07",
            category="banh-keo-dac-san",
            price_vnd=210_000,
            stock=90,
            unit=("hộp 500 g", "500 g box"),
            weight_g=540,
            vi=(
                "Hạt mắc ca sấy nứt vỏ",
                "Mắc ca trồng xen trong vườn cà phê, sấy chín và tách sẵn khe nứt. Kèm dụng cụ "
                "tách vỏ trong hộp.",
            ),
            en=(
                "Cracked-shell roasted macadamia nuts",
                "Macadamias grown between the coffee trees, roasted and pre-cracked. A shell "
                "opener comes in the box.",
            ),
        ),
        DemoProduct(
            sku="CF-08",
            category="nuoc-mam-gia-vi",
            price_vnd=65_000,
            stock=150,
            unit=("hũ 200 g", "200 g jar"),
            weight_g=260,
            vi=(
                "Hồ tiêu đen Đắk Lắk",
                "Tiêu hạt chín đỏ phơi nắng, cay thơm. Xay ngay trước khi dùng để giữ mùi.",
            ),
            en=(
                "Dak Lak black pepper",
                "Sun-dried peppercorns picked when red, hot and fragrant. Grind just before use "
                "to keep the aroma.",
            ),
        ),
        DemoProduct(
            sku="CF-09",
            category="banh-keo-dac-san",
            price_vnd=85_000,
            stock=120,
            unit=("thanh 100 g", "100 g bar"),
            weight_g=110,
            vi=(
                "Sô-cô-la đen 70% cacao Đắk Lắk",
                "Làm từ hạt cacao lên men của chính vườn thành viên. Vị đắng thanh, thoảng mùi "
                "trái cây nhiệt đới.",
            ),
            en=(
                "70% dark chocolate from Dak Lak cacao",
                "Made from fermented cacao grown by our members. Clean bitterness with a hint "
                "of tropical fruit.",
            ),
        ),
        DemoProduct(
            sku="CF-10",
            category="trai-cay",
            price_vnd=120_000,
            stock=0,
            unit=("thùng 3 kg", "3 kg crate"),
            weight_g=3000,
            vi=(
                "Bơ sáp Đắk Lắk",
                "Bơ sáp dẻo, hạt nhỏ, chín cây. Chỉ bán theo mùa từ tháng 5 đến tháng 8.",
            ),
            en=(
                "Dak Lak butter avocados",
                "Creamy, small-stoned avocados ripened on the tree. In season from May to "
                "August only.",
            ),
            status="draft",
        ),
        DemoProduct(
            sku="CF-11",
            category="trai-nghiem",
            price_vnd=450_000,
            stock=20,
            unit=("suất 1 người", "1 person"),
            weight_g=None,
            vi=(
                "Một ngày làm nông dân cà phê",
                "Hái cà phê, phơi, rang và tự pha ly cà phê của mình cùng gia đình thành viên. "
                "Gồm bữa trưa và đưa đón tại trung tâm Buôn Ma Thuột.",
            ),
            en=(
                "A day as a coffee farmer",
                "Pick, dry and roast coffee, then brew your own cup with a member family. "
                "Lunch and transfer from central Buon Ma Thuot included.",
            ),
        ),
    ],
    "htx-nuoc-mam-phu-quoc": [
        DemoProduct(
            sku="NM-01",
            category="nuoc-mam-gia-vi",
            price_vnd=95_000,
            stock=240,
            unit=("chai 500 ml", "500 ml bottle"),
            weight_g=750,
            vi=(
                "Nước mắm cá cơm 40 độ đạm",
                "Nước mắm nhĩ rút từ thùng gỗ sau 12 tháng ủ chượp. Màu cánh gián, thơm dịu, "
                "hậu ngọt; dùng chấm hoặc nêm.",
            ),
            en=(
                "Anchovy fish sauce, 40°N",
                "Drawn from the wooden barrel after 12 months of fermentation. Amber-coloured, "
                "mellow and sweet on the finish; for dipping or cooking.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="NM-02",
            category="nuoc-mam-gia-vi",
            price_vnd=150_000,
            stock=120,
            unit=("chai 500 ml", "500 ml bottle"),
            weight_g=750,
            vi=(
                "Nước mắm nhĩ cá cơm 43 độ đạm",
                "Những giọt nhĩ đầu tiên của mẻ chượp 15 tháng, độ đạm cao. Chỉ cần vài giọt "
                "cho bát nước chấm.",
            ),
            en=(
                "First-press anchovy fish sauce, 43°N",
                "The first drops from a 15-month batch, rich in protein. A few drops are enough "
                "for a bowl of dipping sauce.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="NM-03",
            category="nuoc-mam-gia-vi",
            price_vnd=210_000,
            stock=70,
            unit=("can 2 lít", "2 litre can"),
            weight_g=2300,
            vi=(
                "Nước mắm cá cơm 35 độ đạm can 2 lít",
                "Loại dùng nêm nấu hằng ngày cho gia đình và quán ăn, đóng can tiện lợi.",
            ),
            en=(
                "Anchovy fish sauce 35°N, 2-litre jug",
                "The everyday cooking grade for families and restaurants, in a handy jug.",
            ),
        ),
        DemoProduct(
            sku="NM-04",
            category="nuoc-mam-gia-vi",
            price_vnd=110_000,
            stock=90,
            unit=("hũ 100 g", "100 g jar"),
            weight_g=160,
            vi=(
                "Tiêu sọ trắng Phú Quốc",
                "Tiêu chín đỏ ngâm bỏ vỏ rồi phơi trắng. Cay thanh, hợp món cháo và súp.",
            ),
            en=(
                "Phu Quoc white pepper",
                "Red-ripe peppercorns soaked, skinned and sun-dried. A clean heat for congee "
                "and soups.",
            ),
        ),
        DemoProduct(
            sku="NM-05",
            category="thit-hai-san",
            price_vnd=420_000,
            stock=40,
            unit=("gói 500 g", "500 g pack"),
            weight_g=500,
            vi=(
                "Mực một nắng Phú Quốc",
                "Mực câu trong đêm, phơi đúng một nắng nên thịt còn ngọt và mềm. Nướng than "
                "hoặc chiên, chấm tương ớt.",
            ),
            en=(
                "Phu Quoc sun-dried squid",
                "Squid caught at night and dried for a single day, so it stays sweet and "
                "tender. Grill or fry it and dip in chilli sauce.",
            ),
        ),
        DemoProduct(
            sku="NM-06",
            category="thit-hai-san",
            price_vnd=160_000,
            stock=75,
            unit=("gói 500 g", "500 g pack"),
            weight_g=500,
            vi=(
                "Cá cơm khô",
                "Cá cơm than phơi khô, đã bỏ đầu. Rim với đường và ớt ăn cùng cơm trắng.",
            ),
            en=(
                "Dried anchovies",
                "Headless dried anchovies. Caramelise with sugar and chilli and serve with rice.",
            ),
        ),
        DemoProduct(
            sku="NM-07",
            category="ruou-dac-san",
            price_vnd=180_000,
            stock=60,
            unit=("chai 500 ml", "500 ml bottle"),
            weight_g=900,
            vi=(
                "Rượu sim rừng Phú Quốc",
                "Trái sim rừng chín tím ngâm và lên men tự nhiên. Vị ngọt chát, màu đỏ tím.",
            ),
            en=(
                "Phu Quoc rose-myrtle wine",
                "Wild rose-myrtle berries steeped and naturally fermented. Sweet and slightly "
                "tannic, deep purple-red.",
            ),
        ),
        DemoProduct(
            sku="NM-08",
            category="thit-hai-san",
            price_vnd=850_000,
            stock=25,
            unit=("gói 500 g", "500 g pack"),
            weight_g=500,
            vi=("Tôm khô loại 1", "Tôm biển to, luộc và phơi nắng, thịt đỏ au, không phẩm màu."),
            en=(
                "Grade-one dried shrimp",
                "Large sea shrimp, boiled and sun-dried; naturally red, no colouring.",
            ),
        ),
        DemoProduct(
            sku="NM-09",
            category="nuoc-mam-gia-vi",
            price_vnd=45_000,
            stock=180,
            unit=("hũ 200 g", "200 g jar"),
            weight_g=260,
            vi=(
                "Muối tiêu chanh Phú Quốc",
                "Muối biển, tiêu xanh và lá chanh giã tay. Chấm hải sản nướng là hết ý.",
            ),
            en=(
                "Phu Quoc salt, pepper and lime dip",
                "Sea salt, green pepper and lime leaf pounded by hand. Made for grilled seafood.",
            ),
        ),
        DemoProduct(
            sku="NM-10",
            category="nuoc-mam-gia-vi",
            price_vnd=230_000,
            stock=50,
            unit=("hộp 2 chai 500 ml", "box of 2 × 500 ml bottles"),
            weight_g=1800,
            vi=(
                "Hộp quà nước mắm Phú Quốc 2 chai",
                "Hai chai nước mắm cá cơm 40 độ đạm trong hộp giấy kraft có quai, làm quà biếu.",
            ),
            en=("", ""),
        ),
    ],
    "htx-che-tan-cuong": [
        DemoProduct(
            sku="TE-01",
            category="tra",
            price_vnd=160_000,
            stock=160,
            unit=("hộp 200 g", "200 g box"),
            weight_g=260,
            vi=(
                "Chè móc câu Tân Cương",
                "Búp chè xoăn như móc câu, nước xanh vàng, vị chát dịu rồi ngọt hậu. Pha nước "
                "85°C, tráng ấm trước.",
            ),
            en=(
                "Tan Cuong hook-shaped green tea",
                "Curled buds like fishing hooks; a green-gold cup, gently astringent with a "
                "sweet aftertaste. Brew at 85°C in a warmed pot.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="TE-02",
            category="tra",
            price_vnd=280_000,
            stock=40,
            unit=("hộp 100 g", "100 g box"),
            weight_g=160,
            vi=(
                "Chè đinh Tân Cương",
                "Chỉ hái phần đinh nhỏ nhất trên đầu búp, khoảng 5 kg búp tươi mới được 1 kg "
                "chè. Hương cốm non, vị ngọt sâu.",
            ),
            en=(
                "Tan Cuong bud tea (che dinh)",
                "Only the tiniest tip of each shoot is picked: about 5 kg of fresh buds make "
                "1 kg of tea. Young-rice aroma and a deep sweetness.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="TE-03",
            category="tra",
            price_vnd=220_000,
            stock=70,
            unit=("hộp 200 g", "200 g box"),
            weight_g=260,
            vi=(
                "Chè nõn tôm",
                "Một tôm một lá non, sao kỹ nên búp săn và thơm lâu. Dùng hằng ngày hoặc đãi khách.",
            ),
            en=(
                "Young-shoot green tea",
                "One bud and one young leaf, roasted slowly for tight, long-lasting "
                "fragrance. For every day or for guests.",
            ),
        ),
        DemoProduct(
            sku="TE-04",
            category="tra",
            price_vnd=55_000,
            stock=260,
            unit=("hộp 25 túi lọc", "box of 25 tea bags"),
            weight_g=120,
            vi=(
                "Trà xanh Tân Cương túi lọc",
                "Chè xanh Tân Cương nghiền vừa trong túi lọc 2 g. Ngâm 3 phút trong nước sôi để "
                "nguội bớt.",
            ),
            en=(
                "Tan Cuong green tea bags",
                "Tan Cuong green tea in 2 g bags. Steep for three minutes in water just off "
                "the boil.",
            ),
        ),
        DemoProduct(
            sku="TE-05",
            category="tra",
            price_vnd=150_000,
            stock=80,
            unit=("hộp 150 g", "150 g box"),
            weight_g=210,
            vi=(
                "Hồng trà Tân Cương",
                "Lá chè được ủ lên men hoàn toàn, nước màu hổ phách, mùi mật ong. Uống nóng "
                "hoặc pha trà sữa.",
            ),
            en=(
                "Tan Cuong black tea",
                "Fully oxidised leaves for an amber cup with a honey note. Drink hot or make "
                "milk tea.",
            ),
        ),
        DemoProduct(
            sku="TE-06",
            category="tra",
            price_vnd=130_000,
            stock=110,
            unit=("hộp 200 g", "200 g box"),
            weight_g=260,
            vi=(
                "Chè xanh ướp hoa nhài",
                "Chè xanh Tân Cương ướp hoa nhài tươi ba lần. Thơm nhẹ, dễ uống cho người "
                "mới làm quen với trà.",
            ),
            en=(
                "Jasmine-scented green tea",
                "Tan Cuong green tea scented three times with fresh jasmine. Light and easy "
                "for new tea drinkers.",
            ),
        ),
        DemoProduct(
            sku="TE-07",
            category="tra",
            price_vnd=120_000,
            stock=95,
            unit=("gói 100 g", "100 g pack"),
            weight_g=120,
            vi=(
                "Bột trà xanh Thái Nguyên",
                "Lá chè non hấp, sấy lạnh và xay mịn. Làm bánh, pha latte hoặc đánh bọt uống "
                "trực tiếp.",
            ),
            en=(
                "Thai Nguyen green tea powder",
                "Young leaves steamed, cold-dried and stone-ground. For baking, lattes or "
                "whisked on its own.",
            ),
        ),
        DemoProduct(
            sku="TE-08",
            category="tra",
            price_vnd=480_000,
            stock=30,
            unit=("hộp gỗ 2 x 200 g", "wooden box, 2 × 200 g"),
            weight_g=900,
            vi=(
                "Hộp quà chè Tân Cương gỗ thông",
                "Một hộp chè móc câu và một hộp chè nõn tôm trong hộp gỗ thông khắc chữ. Món "
                "quà Tết được ưa chuộng.",
            ),
            en=(
                "Tan Cuong tea gift set in a pine box",
                "One tin of hook-shaped tea and one of young-shoot tea in an engraved pine box. "
                "A favourite Tet gift.",
            ),
        ),
        DemoProduct(
            sku="TE-09",
            category="trai-nghiem",
            price_vnd=350_000,
            stock=25,
            unit=("suất 1 người", "1 person"),
            weight_g=None,
            vi=(
                "Hái chè và sao chè thủ công",
                "Nửa ngày trên đồi chè: hái búp, vò và sao chè trên chảo gang cùng nghệ nhân. "
                "Mang về 100 g chè tự làm.",
            ),
            en=(
                "Tea picking and hand-roasting experience",
                "Half a day on the tea hills: pick, roll and pan-roast leaves with a tea "
                "master. Take home 100 g of tea you made.",
            ),
        ),
        DemoProduct(
            sku="TE-10",
            category="homestay",
            price_vnd=600_000,
            stock=4,
            unit=("phòng đôi / đêm", "double room / night"),
            weight_g=None,
            vi=(
                "Homestay đồi chè Tân Cương",
                "Nhà sàn gỗ giữa đồi chè, có bữa sáng và trà chiều. Tạm đóng cửa để sửa mái.",
            ),
            en=(
                "Tea-hill homestay in Tan Cuong",
                "A wooden stilt house among the tea hills, with breakfast and afternoon tea. "
                "Closed for roof repairs.",
            ),
            hidden=True,
        ),
    ],
    "htx-mat-ong-dong-van": [
        DemoProduct(
            sku="MO-01",
            category="mat-ong",
            price_vnd=350_000,
            stock=90,
            unit=("chai 500 ml", "500 ml bottle"),
            weight_g=700,
            vi=(
                "Mật ong bạc hà Đồng Văn",
                "Mật ong nguyên chất từ hoa bạc hà dại trên cao nguyên đá. Màu vàng nhạt, "
                "thơm mát, để lâu sẽ kết tinh tự nhiên.",
            ),
            en=(
                "Dong Van mint-flower honey",
                "Raw honey from wild mint flowers on the karst plateau. Pale gold and fresh; it "
                "crystallises naturally with time.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="MO-02",
            category="mat-ong",
            price_vnd=190_000,
            stock=130,
            unit=("hũ 250 g", "250 g jar"),
            weight_g=380,
            vi=(
                "Mật ong bạc hà hũ nhỏ",
                "Cùng loại mật ong bạc hà trong hũ thủy tinh 250 g, vừa để dùng thử hay làm quà.",
            ),
            en=(
                "Mint-flower honey, small jar",
                "The same mint-flower honey in a 250 g glass jar, to try or to give.",
            ),
        ),
        DemoProduct(
            sku="MO-03",
            category="mat-ong",
            price_vnd=420_000,
            stock=30,
            unit=("hộp 500 g", "500 g box"),
            weight_g=600,
            vi=(
                "Mật ong nguyên sáp",
                "Bánh sáp cắt nguyên từ tổ ong, ăn được cả sáp. Lấy một lần mỗi năm vào cuối vụ hoa.",
            ),
            en=(
                "Whole honeycomb",
                "Comb cut straight from the hive; the wax is edible too. Harvested once a "
                "year at the end of the flowering.",
            ),
        ),
        DemoProduct(
            sku="MO-04",
            category="mat-ong",
            price_vnd=180_000,
            stock=60,
            unit=("hũ 200 g", "200 g jar"),
            weight_g=280,
            vi=(
                "Phấn hoa bạc hà",
                "Phấn hoa ong mang về tổ, sấy nhẹ dưới 40°C. Rắc lên sữa chua hoặc ngũ cốc.",
            ),
            en=(
                "Mint-flower bee pollen",
                "Pollen the bees bring home, dried gently below 40°C. Sprinkle on yoghurt or "
                "cereal.",
            ),
        ),
        DemoProduct(
            sku="MO-05",
            category="ruou-dac-san",
            price_vnd=120_000,
            stock=70,
            unit=("chai 1 lít", "1 litre bottle"),
            weight_g=1400,
            vi=(
                "Rượu ngô men lá",
                "Ngô nương nấu với men lá rừng theo bí quyết người Mông. Uống ấm, thơm mùi ngô "
                "rang.",
            ),
            en=(
                "Leaf-yeast corn liquor",
                "Hill-grown corn distilled with a forest-leaf yeast, the Hmong way. Warm, with "
                "a toasted corn aroma.",
            ),
        ),
        DemoProduct(
            sku="MO-06",
            category="banh-keo-dac-san",
            price_vnd=65_000,
            stock=100,
            unit=("gói 300 g", "300 g pack"),
            weight_g=320,
            vi=(
                "Bánh tam giác mạch",
                "Bột hạt tam giác mạch trộn mật ong, nướng giòn. Món quà nhỏ từ mùa hoa tam "
                "giác mạch tháng 11.",
            ),
            en=("", ""),
        ),
        DemoProduct(
            sku="MO-07",
            category="thit-hai-san",
            price_vnd=620_000,
            stock=35,
            unit=("gói 500 g", "500 g pack"),
            weight_g=500,
            vi=(
                "Thịt trâu gác bếp",
                "Thịt trâu tẩm mắc khén, hạt dổi rồi hun khói trên gác bếp. Xé sợi, chấm chẩm "
                "chéo.",
            ),
            en=(
                "Smoked buffalo jerky",
                "Buffalo meat rubbed with mac khen pepper and doi seeds, then smoked above the "
                "kitchen fire. Tear into strips and dip in cham cheo.",
            ),
        ),
        DemoProduct(
            sku="MO-08",
            category="trai-cay",
            price_vnd=180_000,
            stock=100,
            unit=("thùng 5 kg", "5 kg crate"),
            weight_g=5000,
            vi=(
                "Cam sành Hàm Yên",
                "Vỏ sần xanh, ruột vàng cam, mọng nước và ngọt đậm. Hái vào tháng 11 đến tháng 1.",
            ),
            en=(
                "Ham Yen king oranges",
                "Knobbly green peel, deep orange flesh, juicy and very sweet. Harvested from "
                "November to January.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="MO-09",
            category="tra",
            price_vnd=250_000,
            stock=55,
            unit=("gói 200 g", "200 g pack"),
            weight_g=220,
            vi=(
                "Chè Shan tuyết cổ thụ",
                "Búp chè từ những cây Shan tuyết hàng trăm năm tuổi, phủ lông tơ trắng. Nước "
                "vàng sáng, ngọt hậu lâu.",
            ),
            en=(
                "Ancient Shan Tuyet tea",
                "Downy white buds from Shan Tuyet trees hundreds of years old. A bright yellow "
                "cup with a long sweet finish.",
            ),
        ),
        DemoProduct(
            sku="MO-10",
            category="mat-ong",
            price_vnd=140_000,
            stock=80,
            unit=("hũ 500 g", "500 g jar"),
            weight_g=650,
            vi=(
                "Chanh đào ngâm mật ong",
                "Chanh đào vùng cao thái lát ngâm mật ong bạc hà. Pha nước ấm khi trời trở lạnh.",
            ),
            en=(
                "Wild lime in mint honey",
                "Sliced highland wild limes steeped in mint honey. Stir into warm water when "
                "the weather turns cold.",
            ),
        ),
    ],
    "htx-tho-cam-ta-phin": [
        DemoProduct(
            sku="TC-01",
            category="tho-cam",
            price_vnd=320_000,
            stock=25,
            unit=("chiếc", "piece"),
            weight_g=250,
            vi=(
                "Túi đeo chéo thổ cẩm Dao đỏ",
                "Túi vải lanh thêu tay hoa văn Dao đỏ, lót vải bông, có khóa kéo. Mỗi chiếc "
                "mất khoảng một tuần thêu.",
            ),
            en=(
                "Red Dao brocade crossbody bag",
                "Hemp bag hand-embroidered in Red Dao patterns, cotton-lined, with a zip. Each "
                "one takes about a week to embroider.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="TC-02",
            category="tho-cam",
            price_vnd=280_000,
            stock=30,
            unit=("chiếc", "piece"),
            weight_g=180,
            vi=(
                "Khăn choàng thổ cẩm",
                "Khăn dệt tay nhuộm chàm, viền thêu đỏ. Dài 180 cm, ấm và mềm.",
            ),
            en=(
                "Brocade scarf",
                "Hand-woven, indigo-dyed scarf with a red embroidered border. 180 cm long, "
                "soft and warm.",
            ),
        ),
        DemoProduct(
            sku="TC-03",
            category="tho-cam",
            price_vnd=450_000,
            stock=15,
            unit=("xấp 2 m", "2 m length"),
            weight_g=600,
            vi=(
                "Vải lanh nhuộm chàm",
                "Vải lanh dệt tay, nhuộm chàm nhiều lần và vẽ sáp ong. Khổ 40 cm, dùng may áo, "
                "túi hay trang trí.",
            ),
            en=(
                "Indigo-dyed hemp fabric",
                "Hand-woven hemp dyed many times in indigo with beeswax-resist patterns. 40 cm "
                "wide, for clothes, bags or decoration.",
            ),
        ),
        DemoProduct(
            sku="TC-04",
            category="tho-cam",
            price_vnd=260_000,
            stock=20,
            unit=("chiếc", "piece"),
            weight_g=300,
            vi=(
                "Khăn trải bàn thổ cẩm",
                "Khăn trải giữa bàn 30 x 180 cm, thêu hoa văn cây thông và ngôi sao tám cánh.",
            ),
            en=(
                "Brocade table runner",
                "A 30 x 180 cm runner embroidered with pine-tree and eight-pointed-star motifs.",
            ),
        ),
        DemoProduct(
            sku="TC-05",
            category="tho-cam",
            price_vnd=150_000,
            stock=40,
            unit=("chiếc 45 x 45 cm", "piece, 45 × 45 cm"),
            weight_g=150,
            vi=("Vỏ gối thổ cẩm", "Vỏ gối tựa thêu tay, mặt sau vải chàm trơn, có khóa kéo ẩn."),
            en=(
                "Brocade cushion cover",
                "Hand-embroidered cushion cover with a plain indigo back and a hidden zip.",
            ),
        ),
        DemoProduct(
            sku="TC-06",
            category="tho-cam",
            price_vnd=120_000,
            stock=50,
            unit=("chiếc", "piece"),
            weight_g=80,
            vi=(
                "Ví cầm tay thổ cẩm",
                "Ví nhỏ đựng tiền và điện thoại, ghép từ những mảnh thêu còn lại.",
            ),
            en=(
                "Brocade clutch purse",
                "A small purse for cash and a phone, pieced from leftover embroidery.",
            ),
        ),
        DemoProduct(
            sku="TC-07",
            category="duoc-lieu",
            price_vnd=60_000,
            stock=200,
            unit=("gói 200 g", "200 g pack"),
            weight_g=210,
            vi=(
                "Lá tắm thuốc người Dao đỏ",
                "Hơn 20 loại lá rừng phơi khô theo bài thuốc gia truyền. Đun sôi 30 phút, pha "
                "vào bồn tắm để thư giãn sau ngày dài.",
            ),
            en=(
                "Red Dao herbal bath leaves",
                "More than 20 dried forest herbs from a family recipe. Boil for 30 minutes and "
                "add to a bath to unwind after a long day.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="TC-08",
            category="tinh-dau",
            price_vnd=95_000,
            stock=70,
            unit=("chai 50 ml", "50 ml bottle"),
            weight_g=120,
            vi=(
                "Tinh dầu quế Văn Yên",
                "Chưng cất từ vỏ và lá quế Văn Yên. Xông phòng, pha dầu massage hoặc đuổi muỗi.",
            ),
            en=(
                "Van Yen cinnamon essential oil",
                "Steam-distilled from Van Yen cinnamon bark and leaves. For diffusers, massage "
                "oil or keeping mosquitoes away.",
            ),
        ),
        DemoProduct(
            sku="TC-09",
            category="ruou-dac-san",
            price_vnd=160_000,
            stock=45,
            unit=("chai 750 ml", "750 ml bottle"),
            weight_g=1200,
            vi=(
                "Rượu táo mèo Sa Pa",
                "Táo mèo rừng ngâm rượu gạo trong sáu tháng. Màu hổ phách, chua ngọt dễ uống.",
            ),
            en=(
                "Sa Pa wild apple liquor",
                "Wild hill apples steeped in rice spirit for six months. Amber, sweet and sour.",
            ),
        ),
        DemoProduct(
            sku="TC-10",
            category="trai-nghiem",
            price_vnd=300_000,
            stock=30,
            unit=("suất 1 người", "1 person"),
            weight_g=None,
            vi=(
                "Lớp thêu và nhuộm chàm",
                "Ba giờ học thêu một họa tiết Dao đỏ và nhuộm khăn chàm cùng các chị em hợp tác "
                "xã. Mang về sản phẩm của mình.",
            ),
            en=(
                "Embroidery and indigo-dyeing class",
                "Three hours learning a Red Dao motif and dyeing a scarf in indigo with the "
                "cooperative's women. Take home what you made.",
            ),
        ),
        DemoProduct(
            sku="TC-11",
            category="homestay",
            price_vnd=450_000,
            stock=6,
            unit=("phòng / đêm", "room / night"),
            weight_g=None,
            vi=(
                "Homestay nhà gỗ Dao đỏ",
                "Ngủ trong nhà gỗ truyền thống nhìn ra ruộng bậc thang, có bữa tối và một lần "
                "tắm lá thuốc.",
            ),
            en=(
                "Red Dao wooden house homestay",
                "Sleep in a traditional wooden house over the rice terraces, with dinner and "
                "one herbal bath.",
            ),
        ),
    ],
    "htx-nong-nghiep-thap-muoi": [
        DemoProduct(
            sku="GA-01",
            category="gao-ngu-coc",
            price_vnd=180_000,
            stock=300,
            unit=("túi 5 kg", "5 kg bag"),
            weight_g=5000,
            vi=(
                "Gạo ST25",
                "Hạt dài, trong, cơm dẻo và thơm mùi lá dứa ngay cả khi nguội. Vụ Đông Xuân, "
                "xay mới mỗi tuần.",
            ),
            en=(
                "ST25 fragrant rice",
                "Long, translucent grains that cook soft and smell of pandan even when cold. "
                "Winter-spring crop, milled fresh every week.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="GA-02",
            category="gao-ngu-coc",
            price_vnd=120_000,
            stock=400,
            unit=("túi 5 kg", "5 kg bag"),
            weight_g=5000,
            vi=(
                "Gạo thơm Jasmine 85",
                "Gạo thơm phổ thông, cơm mềm, giá hợp lý cho bữa cơm hằng ngày.",
            ),
            en=("Jasmine 85 rice", "An everyday fragrant rice that cooks soft, at a fair price."),
        ),
        DemoProduct(
            sku="GA-03",
            category="gao-ngu-coc",
            price_vnd=75_000,
            stock=150,
            unit=("túi 2 kg", "2 kg bag"),
            weight_g=2000,
            vi=(
                "Gạo lứt đỏ hữu cơ",
                "Giữ nguyên lớp cám đỏ giàu chất xơ. Ngâm 2 giờ trước khi nấu.",
            ),
            en=(
                "Organic red brown rice",
                "The fibre-rich red bran is left on. Soak for two hours before cooking.",
            ),
        ),
        DemoProduct(
            sku="GA-04",
            category="gao-ngu-coc",
            price_vnd=65_000,
            stock=120,
            unit=("túi 2 kg", "2 kg bag"),
            weight_g=2000,
            vi=("Nếp sáp Tháp Mười", "Nếp hạt tròn, dẻo thơm, dùng nấu xôi, gói bánh tét."),
            en=("Thap Muoi sticky rice", "Round, fragrant glutinous rice for xoi and banh tet."),
        ),
        DemoProduct(
            sku="GA-05",
            category="banh-keo-dac-san",
            price_vnd=160_000,
            stock=90,
            unit=("gói 500 g", "500 g pack"),
            weight_g=510,
            vi=(
                "Hạt sen sấy Tháp Mười",
                "Hạt sen già đã bỏ tim, sấy khô. Nấu chè, hầm gà hoặc ninh cháo.",
            ),
            en=(
                "Dried Thap Muoi lotus seeds",
                "Mature lotus seeds with the bitter germ removed, then dried. For sweet soups, "
                "stews and congee.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="GA-06",
            category="tra",
            price_vnd=90_000,
            stock=110,
            unit=("hộp 100 g", "100 g box"),
            weight_g=150,
            vi=("Trà tim sen", "Tim sen sao vàng, pha nước uống buổi tối giúp dễ ngủ."),
            en=(
                "Lotus embryo tea",
                "Pan-toasted lotus germs, traditionally drunk in the evening for a good "
                "night's sleep.",
            ),
        ),
        DemoProduct(
            sku="GA-07",
            category="trai-cay",
            price_vnd=150_000,
            stock=80,
            unit=("thùng 3 kg", "3 kg crate"),
            weight_g=3000,
            vi=(
                "Xoài cát Hòa Lộc",
                "Xoài chín cây, thịt vàng, mịn và ngọt thơm. Đóng thùng có lót giấy để không dập.",
            ),
            en=(
                "Hoa Loc mangoes",
                "Tree-ripened mangoes with smooth, sweet golden flesh, packed in paper so they "
                "arrive unbruised.",
            ),
        ),
        DemoProduct(
            sku="GA-08",
            category="banh-keo-dac-san",
            price_vnd=55_000,
            stock=200,
            unit=("gói 400 g", "400 g pack"),
            weight_g=420,
            vi=(
                "Bánh phồng tôm Sa Đéc",
                "Bột mì, tôm tươi và tỏi. Chiên ngập dầu vài giây là nở giòn.",
            ),
            en=(
                "Sa Dec prawn crackers",
                "Flour, fresh prawns and garlic. A few seconds in hot oil and they puff up crisp.",
            ),
        ),
        DemoProduct(
            sku="GA-09",
            category="thit-hai-san",
            price_vnd=90_000,
            stock=60,
            unit=("chục 10 cái", "10 pieces"),
            weight_g=500,
            vi=(
                "Nem Lai Vung",
                "Thịt heo lên men gói lá chuối, chua nhẹ, giòn bì. Ăn kèm lá đinh lăng và tỏi ớt.",
            ),
            en=("", ""),
        ),
        DemoProduct(
            sku="GA-10",
            category="phan-bon-huu-co",
            price_vnd=150_000,
            stock=100,
            unit=("bao 25 kg", "25 kg sack"),
            weight_g=25000,
            vi=(
                "Phân hữu cơ vi sinh từ rơm rạ",
                "Rơm rạ ủ với nấm Trichoderma trong 45 ngày. Bón cho rau, cây ăn trái và lúa.",
            ),
            en=(
                "Microbial compost from rice straw",
                "Rice straw composted with Trichoderma for 45 days. For vegetables, fruit "
                "trees and rice.",
            ),
        ),
        DemoProduct(
            sku="GA-11",
            category="giong-cay-trong",
            price_vnd=500_000,
            stock=40,
            unit=("bao 20 kg", "20 kg sack"),
            weight_g=20000,
            vi=(
                "Lúa giống ST25 cấp xác nhận",
                "Hạt giống đạt cấp xác nhận, tỉ lệ nảy mầm trên 90%. Đủ gieo khoảng 2.000 m².",
            ),
            en=(
                "Certified ST25 seed rice",
                "Certified-grade seed with over 90% germination. Enough for about 2,000 m².",
            ),
        ),
        DemoProduct(
            sku="GA-12",
            category="trai-nghiem",
            price_vnd=250_000,
            stock=40,
            unit=("suất 1 người", "1 person"),
            weight_g=None,
            vi=(
                "Đi xuồng hái sen",
                "Chèo xuồng ba lá qua đầm sen, hái gương sen và ăn trưa món cá lóc nướng trui.",
            ),
            en=(
                "Lotus-picking boat trip",
                "Paddle a small sampan through the lotus ponds, pick seed pods and have grilled "
                "snakehead fish for lunch.",
            ),
        ),
    ],
    "htx-gom-bat-trang": [
        DemoProduct(
            sku="GS-01",
            category="gom-su",
            price_vnd=650_000,
            stock=20,
            unit=("bộ 1 ấm 6 chén", "set: 1 teapot, 6 cups"),
            weight_g=1800,
            vi=(
                "Bộ ấm chén men lam vẽ tay",
                "Ấm 500 ml và sáu chén vẽ tay họa tiết hoa sen men lam. Nung 1.300°C, dùng "
                "được máy rửa bát.",
            ),
            en=(
                "Hand-painted blue-glaze tea set",
                "A 500 ml teapot and six cups hand-painted with blue lotus flowers. Fired at "
                "1,300°C and dishwasher-safe.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="GS-02",
            category="gom-su",
            price_vnd=480_000,
            stock=15,
            unit=("chiếc cao 30 cm", "piece, 30 cm tall"),
            weight_g=2500,
            vi=(
                "Bình hoa men rạn",
                "Men rạn cổ màu ngà, vết rạn tự nhiên sau khi nung. Hợp cắm cành đào, cành mai.",
            ),
            en=(
                "Crackle-glaze vase",
                "An ivory antique crackle glaze that crazes naturally in the kiln. Made for "
                "peach or apricot blossom branches.",
            ),
        ),
        DemoProduct(
            sku="GS-03",
            category="gom-su",
            price_vnd=350_000,
            stock=25,
            unit=("bộ 10 chiếc", "set of 10"),
            weight_g=2200,
            vi=("Bộ bát ăn cơm men lam", "Mười bát ăn cơm đường kính 11,5 cm, vẽ tay dây hoa cúc."),
            en=(
                "Set of ten blue-glaze rice bowls",
                "Ten 11.5 cm rice bowls, hand-painted with chrysanthemum vines.",
            ),
        ),
        DemoProduct(
            sku="GS-04",
            category="gom-su",
            price_vnd=120_000,
            stock=60,
            unit=("chiếc 350 ml", "350 ml piece"),
            weight_g=380,
            vi=("Cốc sứ vẽ sen", "Cốc có quai, vẽ một bông sen men lam, dùng được lò vi sóng."),
            en=(
                "Porcelain mug with a painted lotus",
                "A mug with a single blue lotus, microwave-safe.",
            ),
        ),
        DemoProduct(
            sku="GS-05",
            category="gom-su",
            price_vnd=280_000,
            stock=18,
            unit=("chiếc 30 cm", "piece, 30 cm"),
            weight_g=1500,
            vi=("Đĩa trang trí men lam", "Đĩa treo tường vẽ cảnh làng quê Bắc Bộ, kèm móc treo."),
            en=(
                "Decorative blue-and-white plate",
                "A wall plate painted with a northern village scene, hook included.",
            ),
        ),
        DemoProduct(
            sku="GS-06",
            category="gom-su",
            price_vnd=850_000,
            stock=8,
            unit=("chiếc cao 45 cm", "piece, 45 cm tall"),
            weight_g=4200,
            vi=(
                "Lọ lục bình men hỏa biến",
                "Men hỏa biến đổi màu theo lửa lò nên mỗi chiếc là duy nhất. Đóng thùng gỗ "
                "khi giao.",
            ),
            en=(
                "Flambé-glaze floor vase",
                "The flambé glaze changes with the kiln's fire, so each vase is one of a kind. "
                "Shipped in a wooden crate.",
            ),
            images=2,
        ),
        DemoProduct(
            sku="GS-07",
            category="may-tre-dan",
            price_vnd=220_000,
            stock=35,
            unit=("chiếc", "piece"),
            weight_g=600,
            vi=(
                "Giỏ mây Phú Vinh",
                "Giỏ mây đan tay có quai, đựng đồ đi chợ hay trang trí. Đường kính 30 cm.",
            ),
            en=(
                "Phu Vinh rattan basket",
                "A hand-woven rattan basket with a handle, for the market or the shelf. "
                "30 cm across.",
            ),
        ),
        DemoProduct(
            sku="GS-08",
            category="may-tre-dan",
            price_vnd=160_000,
            stock=40,
            unit=("chiếc 40 cm", "piece, 40 cm"),
            weight_g=500,
            vi=(
                "Khay tre đan",
                "Khay tre tròn đan nong mốt, quét dầu điều. Bày bánh trái hoặc dùng làm đĩa "
                "trang trí.",
            ),
            en=(
                "Woven bamboo tray",
                "A round bamboo tray in a twill weave, finished with annatto oil. For fruit, "
                "cakes or the wall.",
            ),
        ),
        DemoProduct(
            sku="GS-09",
            category="son-mai-go",
            price_vnd=380_000,
            stock=20,
            unit=("chiếc 20 x 12 cm", "piece, 20 × 12 cm"),
            weight_g=450,
            vi=(
                "Hộp sơn mài vẽ sen",
                "Hộp gỗ phủ bảy lớp sơn ta, vẽ sen và dát vàng. Đựng trang sức hoặc trà.",
            ),
            en=(
                "Lotus lacquer box",
                "A wooden box under seven coats of natural lacquer, painted with lotus and "
                "gold leaf. For jewellery or tea.",
            ),
        ),
        DemoProduct(
            sku="GS-10",
            category="trai-nghiem",
            price_vnd=200_000,
            stock=50,
            unit=("suất 1 người", "1 person"),
            weight_g=None,
            vi=(
                "Lớp làm gốm nửa ngày",
                "Tự tay chuốt gốm trên bàn xoay và vẽ men cùng nghệ nhân. Sản phẩm được nung và "
                "gửi về sau một tuần.",
            ),
            en=(
                "Half-day pottery workshop",
                "Throw a pot on the wheel and paint it with a master potter. We fire it and "
                "post it to you a week later.",
            ),
        ),
        DemoProduct(
            sku="GS-11",
            category="gom-su",
            price_vnd=95_000,
            stock=30,
            unit=("chiếc", "piece"),
            weight_g=300,
            vi=("Chuông gió gốm", "Năm chuông gốm nhỏ men xanh ngọc treo trên vòng tre."),
            en=("Ceramic wind chime", "Five small celadon bells hung from a bamboo ring."),
            status="pending",
        ),
    ],
}

# fmt: off
CERTIFICATES = [
    DemoCertificate("htx-ca-phe-ea-tu", "CF-01", "OCOP-66-2024-0123", 4, "UBND tỉnh Đắk Lắk",
                    date(2024, 8, 12), date(2027, 8, 12), "beverages"),
    DemoCertificate("htx-ca-phe-ea-tu", "CF-02", "OCOP-66-2023-0087", 3, "UBND tỉnh Đắk Lắk",
                    date(2023, 12, 5), date(2026, 12, 5), "beverages"),
    DemoCertificate("htx-nuoc-mam-phu-quoc", "NM-01", "OCOP-91-2024-0118", 4,
                    "UBND tỉnh Kiên Giang", date(2024, 3, 15), date(2027, 3, 15), "food"),
    DemoCertificate("htx-nuoc-mam-phu-quoc", "NM-07", "OCOP-91-2024-0342", 3,
                    "UBND tỉnh Kiên Giang", date(2024, 11, 20), date(2027, 11, 20), "beverages"),
    DemoCertificate("htx-che-tan-cuong", "TE-01", "OCOP-19-2024-0031", 4, "UBND tỉnh Thái Nguyên",
                    date(2024, 5, 20), date(2027, 5, 20), "beverages"),
    DemoCertificate("htx-che-tan-cuong", "TE-02", "OCOP-QG-2025-0012", 5,
                    "Bộ Nông nghiệp và Môi trường", date(2025, 9, 26), date(2028, 9, 26),
                    "beverages"),
    DemoCertificate("htx-mat-ong-dong-van", "MO-01", "OCOP-08-2025-0104", 4,
                    "UBND tỉnh Tuyên Quang", date(2025, 10, 15), date(2028, 10, 15), "food"),
    DemoCertificate("htx-mat-ong-dong-van", "MO-08", "OCOP-08-2024-0022", 4,
                    "UBND tỉnh Tuyên Quang", date(2024, 1, 18), date(2027, 1, 18), "food"),
    # Expired: re-evaluation is due, so the badge must say so.
    DemoCertificate("htx-mat-ong-dong-van", "MO-05", "OCOP-08-2022-0057", 3, "UBND tỉnh Hà Giang",
                    date(2022, 6, 10), date(2025, 6, 10), "beverages"),
    DemoCertificate("htx-tho-cam-ta-phin", "TC-07", "OCOP-15-2024-0145", 4, "UBND tỉnh Lào Cai",
                    date(2024, 9, 8), date(2027, 9, 8), "herbal"),
    DemoCertificate("htx-nong-nghiep-thap-muoi", "GA-05", "OCOP-82-2024-0076", 4,
                    "UBND tỉnh Đồng Tháp", date(2024, 6, 28), date(2027, 6, 28), "food"),
    DemoCertificate("htx-gom-bat-trang", "GS-01", "OCOP-01-2024-0267", 4,
                    "UBND thành phố Hà Nội", date(2024, 10, 30), date(2027, 10, 30), "souvenirs"),
]
# fmt: on


@dataclass(frozen=True)
class DemoLot:
    shop: str
    sku: str
    code: str
    produced_on: date
    province: str  # slug
    commune: str
    area_code: str
    inputs: tuple[str, str]  # vi, en
    quantity: str
    certifications: tuple[tuple[str, str], ...]  # (scheme, number)
    steps: tuple[tuple[date, str, str], ...]  # (date, vi, en)


LOTS = [
    DemoLot(
        "htx-ca-phe-ea-tu",
        "CF-01",
        "CF01-2026-10A",
        date(2026, 10, 20),
        "dak-lak",
        "xã Ea Tu",
        "VT-66-EATU-014",
        (
            "Phân chuồng ủ hoai, phân kali; không dùng thuốc diệt cỏ.",
            "Composted manure and potash; no herbicides.",
        ),
        "1.200 gói 500 g",
        (("vietgap", "VietGAP-TT-66-0412"),),
        (
            (date(2026, 9, 25), "Hái chín bằng tay", "Hand-picked ripe cherries"),
            (date(2026, 9, 26), "Sơ chế ướt, lên men 36 giờ", "Wet-processed, fermented 36 hours"),
            (date(2026, 10, 8), "Phơi giàn đến độ ẩm 12%", "Dried on raised beds to 12% moisture"),
            (date(2026, 10, 18), "Rang mộc mẻ nhỏ", "Small-batch plain roasting"),
            (date(2026, 10, 20), "Đóng gói van một chiều", "Packed in one-way valve bags"),
        ),
    ),
    DemoLot(
        "htx-nuoc-mam-phu-quoc",
        "NM-01",
        "NM01-2026-07",
        date(2026, 7, 15),
        "an-giang",
        "đặc khu Phú Quốc",
        "PQ-NHATHUNG-03",
        (
            "Cá cơm than tươi, muối biển; không chất bảo quản.",
            "Fresh anchovies and sea salt; no preservatives.",
        ),
        "3.000 chai 500 ml",
        (),
        (
            (
                date(2025, 7, 10),
                "Ủ chượp cá cơm với muối trong thùng gỗ bời lời",
                "Anchovies salted in bời lời wood barrels",
            ),
            (date(2026, 7, 1), "Kéo rút nước mắm nhĩ", "First pressing drawn off"),
            (date(2026, 7, 12), "Lọc và kiểm tra độ đạm 40°N", "Filtered, protein checked at 40°N"),
            (date(2026, 7, 15), "Đóng chai thủy tinh", "Bottled in glass"),
        ),
    ),
    DemoLot(
        "htx-che-tan-cuong",
        "TE-01",
        "TE01-2026-11",
        date(2026, 11, 5),
        "thai-nguyen",
        "xã Tân Cương",
        "TN-TC-VCHE-07",
        (
            "Phân hữu cơ vi sinh; tưới nước giếng khoan.",
            "Organic microbial fertiliser; well-water irrigation.",
        ),
        "800 hộp 200 g",
        (("vietgap", "VietGAP-TT-19-0088"), ("organic", "TCVN 11041-6:2018 / 19-0031")),
        (
            (
                date(2026, 11, 2),
                "Hái một tôm hai lá buổi sáng",
                "Bud and two leaves picked at dawn",
            ),
            (date(2026, 11, 2), "Làm héo và vò chè", "Withered and rolled"),
            (date(2026, 11, 3), "Sao chè trên chảo gang", "Pan-fired in cast iron"),
            (date(2026, 11, 5), "Đóng hộp", "Packed in tins"),
        ),
    ),
]

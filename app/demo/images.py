"""Product pictures and shop logos drawn with Pillow at seed time, so no binaries are committed.

Each picture is a flat colour per category, a simple shape for the kind of product and its
name. They go through the real upload path (app.media.store_image), like a staff upload.
"""

import io
import textwrap
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

SIDE = 480  # small on purpose: store_image encodes three WebP sizes of every picture
LOGO_SIDE = 320
FONT_PATHS = {
    False: (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}

# category slug -> background, shape colour, shape
CATEGORY_LOOKS = {
    "gao-ngu-coc": ((233, 213, 160), (250, 246, 232), "sack"),
    "nuoc-mam-gia-vi": ((176, 96, 48), (244, 214, 160), "bottle"),
    "mat-ong": ((240, 176, 40), (255, 236, 170), "jar"),
    "trai-cay": ((250, 160, 80), (92, 160, 64), "fruit"),
    "rau-cu": ((120, 176, 88), (232, 244, 214), "leaf"),
    "thit-hai-san": ((70, 130, 170), (236, 226, 206), "fish"),
    "banh-keo-dac-san": ((214, 120, 120), (252, 232, 214), "box"),
    "ca-phe": ((110, 72, 48), (222, 190, 150), "bag"),
    "tra": ((84, 140, 72), (226, 240, 200), "cup"),
    "ruou-dac-san": ((128, 56, 80), (240, 220, 228), "bottle"),
    "nuoc-ep": ((236, 132, 60), (255, 230, 196), "bottle"),
    "duoc-lieu": ((96, 128, 72), (214, 232, 184), "leaf"),
    "tinh-dau": ((150, 120, 180), (240, 232, 250), "vial"),
    "my-pham-thien-nhien": ((214, 168, 176), (252, 240, 240), "jar"),
    "tho-cam": ((160, 40, 56), (250, 200, 64), "fabric"),
    "lua-to-tam": ((200, 80, 120), (252, 226, 236), "fabric"),
    "may-tre-dan": ((190, 150, 90), (244, 226, 186), "basket"),
    "gom-su": ((40, 80, 150), (236, 240, 250), "vase"),
    "son-mai-go": ((120, 30, 30), (230, 180, 80), "box"),
    "giong-cay-trong": ((130, 170, 90), (236, 246, 220), "sprout"),
    "phan-bon-huu-co": ((120, 100, 70), (222, 206, 170), "sack"),
    "homestay": ((90, 150, 170), (250, 236, 210), "house"),
    "trai-nghiem": ((230, 170, 60), (120, 170, 80), "field"),
}
DEFAULT_LOOK = ((120, 140, 150), (236, 240, 242), "box")
TEXT_COLOUR = (255, 255, 255)
BAND_COLOUR = (0, 0, 0, 110)


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font with Vietnamese glyphs when the system has one, else Pillow's own."""
    for path in FONT_PATHS[bold]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def product_picture(title: str, category_slug: str, caption: str = "", variant: int = 0) -> bytes:
    """A square PNG: the category's colour and shape, the product's name on a band below.

    variant 1 is the second picture of a product: lighter, the shape larger, and the caption
    (e.g. the unit) under the name.
    """
    background, colour, shape = CATEGORY_LOOKS.get(category_slug, DEFAULT_LOOK)
    if variant:
        background = _mix(background, (255, 255, 255), 0.35)
    image = Image.new("RGB", (SIDE, SIDE), background)
    draw = ImageDraw.Draw(image, "RGBA")
    _pattern(draw, background)
    scale = 0.62 if variant else 0.5
    box = _centred_box(SIDE / 2, SIDE * 0.4, SIDE * scale)
    SHAPES[shape](draw, box, colour, _mix(colour, (0, 0, 0), 0.35))
    _label(draw, title, caption if variant else "")
    return _png(image)


def shop_logo(initials: str, category_slug: str) -> bytes:
    """A round badge in the colour of the shop's main category with its initials."""
    background, colour, _shape = CATEGORY_LOOKS.get(category_slug, DEFAULT_LOOK)
    image = Image.new("RGB", (LOGO_SIDE, LOGO_SIDE), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    margin = LOGO_SIDE * 0.04
    draw.ellipse((margin, margin, LOGO_SIDE - margin, LOGO_SIDE - margin), fill=background)
    inner = LOGO_SIDE * 0.12
    draw.ellipse((inner, inner, LOGO_SIDE - inner, LOGO_SIDE - inner), outline=colour, width=6)
    draw.text(
        (LOGO_SIDE / 2, LOGO_SIDE / 2),
        initials,
        font=font(int(LOGO_SIDE * 0.26), bold=True),
        fill=colour,
        anchor="mm",
    )
    return _png(image)


# --- drawing helpers --------------------------------------------------------------------


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=0)  # store_image re-encodes it anyway
    return out.getvalue()


def _mix(a: tuple, b: tuple, share_of_b: float) -> tuple:
    return tuple(round(x * (1 - share_of_b) + y * share_of_b) for x, y in zip(a, b, strict=True))


def _centred_box(cx: float, cy: float, size: float) -> tuple[float, float, float, float]:
    return (cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2)


def _pattern(draw: ImageDraw.ImageDraw, background: tuple) -> None:
    """A few soft circles so the flat colour does not look like a placeholder."""
    tint = (*_mix(background, (255, 255, 255), 0.18), 255)
    for cx, cy, r in ((0.12, 0.1, 0.16), (0.9, 0.22, 0.1), (0.82, 0.86, 0.2)):
        draw.ellipse(
            ((cx - r) * SIDE, (cy - r) * SIDE, (cx + r) * SIDE, (cy + r) * SIDE), fill=tint
        )


def _label(draw: ImageDraw.ImageDraw, text: str, caption: str = "") -> None:
    lines = textwrap.wrap(text, width=20)[: 2 if caption else 3] or [""]
    if caption:
        lines.append(caption)
    size = 30 if len(lines) == 1 else 26
    line_height = size * 1.3
    top = SIDE * 0.76
    draw.rectangle((0, top, SIDE, SIDE), fill=BAND_COLOUR)
    middle = top + (SIDE - top) / 2
    first = middle - line_height * (len(lines) - 1) / 2
    for n, line in enumerate(lines):
        draw.text(
            (SIDE / 2, first + n * line_height),
            line,
            font=font(size, bold=True),
            fill=TEXT_COLOUR,
            anchor="mm",
        )


def _bottle(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rounded_rectangle((x0 + w * 0.28, y0 + h * 0.3, x1 - w * 0.28, y1), w * 0.1, fill=fill)
    draw.rectangle((x0 + w * 0.42, y0 + h * 0.08, x1 - w * 0.42, y0 + h * 0.32), fill=fill)
    draw.rectangle((x0 + w * 0.4, y0, x1 - w * 0.4, y0 + h * 0.1), fill=dark)
    draw.rectangle((x0 + w * 0.28, y0 + h * 0.55, x1 - w * 0.28, y0 + h * 0.78), fill=dark)


def _vial(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rounded_rectangle((x0 + w * 0.34, y0 + h * 0.35, x1 - w * 0.34, y1), w * 0.06, fill=fill)
    draw.rectangle((x0 + w * 0.42, y0 + h * 0.12, x1 - w * 0.42, y0 + h * 0.36), fill=dark)
    draw.ellipse((x0 + w * 0.4, y0, x1 - w * 0.4, y0 + h * 0.16), fill=dark)


def _jar(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rounded_rectangle((x0 + w * 0.18, y0 + h * 0.25, x1 - w * 0.18, y1), w * 0.14, fill=fill)
    draw.rounded_rectangle(
        (x0 + w * 0.22, y0 + h * 0.1, x1 - w * 0.22, y0 + h * 0.28), 8, fill=dark
    )
    draw.rectangle((x0 + w * 0.18, y0 + h * 0.5, x1 - w * 0.18, y0 + h * 0.72), fill=dark)


def _bag(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.polygon(
        [
            (x0 + w * 0.22, y0 + h * 0.1),
            (x1 - w * 0.22, y0 + h * 0.1),
            (x1 - w * 0.14, y1),
            (x0 + w * 0.14, y1),
        ],
        fill=fill,
    )
    draw.rectangle((x0 + w * 0.22, y0 + h * 0.1, x1 - w * 0.22, y0 + h * 0.2), fill=dark)
    draw.ellipse((x0 + w * 0.38, y0 + h * 0.45, x1 - w * 0.38, y0 + h * 0.75), fill=dark)


def _sack(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.ellipse((x0 + w * 0.12, y0 + h * 0.25, x1 - w * 0.12, y1), fill=fill)
    draw.polygon(
        [
            (x0 + w * 0.35, y0 + h * 0.3),
            (x0 + w * 0.42, y0 + h * 0.05),
            (x1 - w * 0.42, y0 + h * 0.05),
            (x1 - w * 0.35, y0 + h * 0.3),
        ],
        fill=fill,
    )
    draw.rectangle((x0 + w * 0.38, y0 + h * 0.22, x1 - w * 0.38, y0 + h * 0.28), fill=dark)


def _cup(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.ellipse((x0, y0 + h * 0.8, x1, y1), fill=dark)
    draw.chord((x0 + w * 0.15, y0 + h * 0.1, x1 - w * 0.15, y0 + h * 0.95), 0, 180, fill=fill)
    draw.ellipse((x0 + w * 0.15, y0 + h * 0.42, x1 - w * 0.15, y0 + h * 0.6), fill=dark)
    draw.arc(
        (x1 - w * 0.25, y0 + h * 0.5, x1 - w * 0.02, y0 + h * 0.75), 270, 90, fill=fill, width=10
    )


def _leaf(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.ellipse((x0 + w * 0.1, y0 + h * 0.2, x1 - w * 0.1, y1 - h * 0.2), fill=fill)
    draw.line((x0 + w * 0.15, y1 - h * 0.1, x1 - w * 0.2, y0 + h * 0.25), fill=dark, width=8)


def _fruit(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.ellipse((x0 + w * 0.08, y0 + h * 0.15, x1 - w * 0.08, y1), fill=(250, 200, 90))
    draw.ellipse((x0 + w * 0.5, y0, x1 - w * 0.1, y0 + h * 0.25), fill=fill)
    draw.line((x0 + w * 0.5, y0 + h * 0.2, x0 + w * 0.5, y0 + h * 0.05), fill=dark, width=6)


def _fish(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.ellipse((x0, y0 + h * 0.3, x1 - w * 0.2, y1 - h * 0.3), fill=fill)
    draw.polygon([(x1 - w * 0.25, y0 + h * 0.5), (x1, y0 + h * 0.3), (x1, y1 - h * 0.3)], fill=fill)
    draw.ellipse((x0 + w * 0.15, y0 + h * 0.42, x0 + w * 0.23, y0 + h * 0.5), fill=dark)


def _box(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rectangle((x0 + w * 0.08, y0 + h * 0.3, x1 - w * 0.08, y1), fill=fill)
    draw.rectangle((x0, y0 + h * 0.18, x1, y0 + h * 0.34), fill=dark)
    draw.rectangle((x0 + w * 0.45, y0 + h * 0.18, x1 - w * 0.45, y1), fill=dark)


def _fabric(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    h = y1 - y0
    draw.rectangle(box, fill=fill)
    for n in range(5):
        top = y0 + h * (0.1 + n * 0.18)
        draw.rectangle((x0, top, x1, top + h * 0.06), fill=dark)
        step = (x1 - x0) / 8
        for k in range(8):
            cx = x0 + step * (k + 0.5)
            cy = top + h * 0.12
            draw.polygon([(cx, cy - 8), (cx + 8, cy), (cx, cy + 8), (cx - 8, cy)], fill=dark)


def _vase(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.ellipse((x0 + w * 0.12, y0 + h * 0.3, x1 - w * 0.12, y1), fill=fill)
    draw.rectangle((x0 + w * 0.38, y0 + h * 0.05, x1 - w * 0.38, y0 + h * 0.4), fill=fill)
    draw.ellipse((x0 + w * 0.32, y0, x1 - w * 0.32, y0 + h * 0.1), fill=fill)
    for n in range(3):
        top = y0 + h * (0.5 + n * 0.12)
        draw.arc((x0 + w * 0.2, top, x1 - w * 0.2, top + h * 0.1), 0, 180, fill=dark, width=5)


def _basket(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.arc((x0 + w * 0.2, y0, x1 - w * 0.2, y0 + h * 0.8), 180, 360, fill=dark, width=10)
    draw.polygon(
        [(x0, y0 + h * 0.4), (x1, y0 + h * 0.4), (x1 - w * 0.12, y1), (x0 + w * 0.12, y1)],
        fill=fill,
    )
    for n in range(1, 6):
        y = y0 + h * (0.4 + n * 0.1)
        draw.line((x0 + w * 0.05, y, x1 - w * 0.05, y), fill=dark, width=3)


def _house(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.polygon([(x0, y0 + h * 0.45), (x0 + w / 2, y0), (x1, y0 + h * 0.45)], fill=dark)
    draw.rectangle((x0 + w * 0.12, y0 + h * 0.45, x1 - w * 0.12, y1), fill=fill)
    draw.rectangle((x0 + w * 0.42, y0 + h * 0.65, x1 - w * 0.42, y1), fill=dark)


def _field(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.ellipse((x0 + w * 0.6, y0, x1, y0 + h * 0.4), fill=(255, 236, 150))
    for n in range(3):
        top = y0 + h * (0.45 + n * 0.18)
        draw.chord((x0 - w * 0.2, top, x1 + w * 0.2, top + h * 0.5), 180, 360, fill=fill)
        fill = _mix(fill, (0, 0, 0), 0.15)


def _sprout(draw, box, fill, dark):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rectangle((x0 + w * 0.1, y0 + h * 0.75, x1 - w * 0.1, y1), fill=dark)
    draw.line((x0 + w / 2, y0 + h * 0.3, x0 + w / 2, y0 + h * 0.78), fill=fill, width=10)
    draw.ellipse((x0 + w * 0.15, y0 + h * 0.15, x0 + w * 0.5, y0 + h * 0.4), fill=fill)
    draw.ellipse((x0 + w * 0.5, y0 + h * 0.05, x1 - w * 0.12, y0 + h * 0.32), fill=fill)


SHAPES = {
    "bottle": _bottle,
    "vial": _vial,
    "jar": _jar,
    "bag": _bag,
    "sack": _sack,
    "cup": _cup,
    "leaf": _leaf,
    "fruit": _fruit,
    "fish": _fish,
    "box": _box,
    "fabric": _fabric,
    "vase": _vase,
    "basket": _basket,
    "house": _house,
    "field": _field,
    "sprout": _sprout,
}


def registration_certificate(title: str, lines: list[str]) -> bytes:
    """A plain page standing for a scanned cooperative registration certificate."""
    image = Image.new("RGB", (800, 1100), (252, 250, 242))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 770, 1070), outline=(150, 40, 40), width=6)
    draw.text((400, 140), title, font=font(30, bold=True), fill=(150, 40, 40), anchor="mm")
    for n, line in enumerate(lines):
        draw.text((80, 240 + n * 56), line, font=font(24), fill=(40, 40, 40))
    return _png(image)

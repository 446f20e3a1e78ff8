"""Uploaded images: checked by content, re-encoded to WebP in three sizes, never served as sent.

Storage sits behind a small interface (save / delete / url) so that an S3-compatible store
can replace the local folder without touching callers.
"""

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

SIZES = {"sm": 320, "md": 800, "lg": 1600}
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message is shown to the user."""


@dataclass(frozen=True)
class StoredImage:
    key: str
    width: int
    height: int


class LocalStorage:
    def __init__(self, root: str):
        self.root = Path(root)

    def path(self, name: str) -> Path:
        return self.root / name[:2] / name

    def save(self, name: str, data: bytes) -> None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)


def storage() -> LocalStorage:
    return current_app.extensions["media_storage"]


RENDITION_NAME = re.compile(rf"[0-9a-f]{{32}}-(?:{'|'.join(SIZES)})\.webp")


def is_rendition_name(name: str) -> bool:
    """A file name store_image writes (key-size.webp), and nothing else."""
    return RENDITION_NAME.fullmatch(name) is not None


def image_url(key: str, size: str = "md", external: bool = False) -> str:
    return url_for("main.media", filename=f"{key}-{size}.webp", _external=external)


def check_image(data: bytes) -> Image.Image:
    """Decode an upload as an image we accept, or raise ImageRejected; nothing is stored."""
    config = current_app.config
    if len(data) > config["MAX_IMAGE_BYTES"]:
        limit_mb = config["MAX_IMAGE_BYTES"] // (1024 * 1024)
        raise ImageRejected(_l("The image is larger than %(mb)s MB.", mb=limit_mb))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ImageRejected(_l("Upload a JPEG, PNG, WebP or GIF image."))
            if image.width * image.height > config["MAX_IMAGE_PIXELS"]:
                raise ImageRejected(_l("The image has too many pixels."))
            image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_l("The image has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_l("This file is not an image we can read.")) from None
    return image


def store_image(data: bytes) -> StoredImage:
    """Check an upload by content and store it as WebP in SIZES; raise ImageRejected."""
    image = check_image(data)
    image = ImageOps.exif_transpose(image)  # turn it upright, then drop the metadata
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    key = secrets.token_hex(16)
    encoded: dict[tuple[int, int], bytes] = {}  # a small image is encoded once for every size
    for size, longest in SIZES.items():
        copy = image.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        if copy.size not in encoded:
            out = io.BytesIO()
            copy.save(out, "WEBP", quality=82, method=4)
            encoded[copy.size] = out.getvalue()
        storage().save(f"{key}-{size}.webp", encoded[copy.size])
    return StoredImage(key=key, width=image.width, height=image.height)


def delete_image(key: str) -> None:
    for size in SIZES:
        storage().delete(f"{key}-{size}.webp")


def init_app(app: Flask) -> None:
    app.extensions["media_storage"] = LocalStorage(app.config["UPLOAD_DIR"])
    Image.MAX_IMAGE_PIXELS = app.config["MAX_IMAGE_PIXELS"]  # Pillow refuses 2x this unread
    app.jinja_env.globals["image_url"] = image_url

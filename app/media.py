"""Uploaded images: checked by content, re-encoded to WebP in three sizes, never served as sent.

Storage sits behind a small interface (save / delete / url) so that an S3-compatible store
can replace the local folder without touching callers.

With Redis configured, encoding the sizes is a background job (app.jobs): the upload is
checked at once (a bad file is still refused in the form), kept in a staging folder that is
never served, and encoded by a worker; a rendition asked for before the worker got to it is
encoded on the spot, so a page never shows a broken image.
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

from app import jobs
from app.files import StorageUnavailable, write_atomically

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
        self._write(self.path(name), data)

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    # Uploads waiting to be encoded: outside the served names (path() never maps here).
    def _staged_path(self, key: str) -> Path:
        return self.root / "staging" / key

    def stage(self, key: str, data: bytes) -> None:
        self._write(self._staged_path(key), data)

    def staged(self, key: str) -> bytes | None:
        try:
            return self._staged_path(key).read_bytes()
        except FileNotFoundError:
            return None

    def unstage(self, key: str) -> None:
        self._staged_path(key).unlink(missing_ok=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        write_atomically(path, data)


def storage() -> LocalStorage:
    return current_app.extensions["media_storage"]


RENDITION_NAME = re.compile(rf"[0-9a-f]{{32}}-(?:{'|'.join(SIZES)})\.webp")


def is_rendition_name(name: str) -> bool:
    """A file name store_image writes (key-size.webp), and nothing else."""
    return RENDITION_NAME.fullmatch(name) is not None


def image_url(key: str, size: str = "md", external: bool = False) -> str:
    return url_for("main.media", filename=f"{key}-{size}.webp", _external=external)


def rendition_size(width: int, height: int, size: str) -> tuple[int, int]:
    """The pixel size of one stored rendition of a width × height upload (never enlarged)."""
    scale = min(1.0, SIZES[size] / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def image_srcset(key: str, width: int, height: int) -> str:
    """A srcset listing the stored renditions by their real widths, so the browser takes the
    smallest that fills the slot (a small upload has fewer distinct sizes)."""
    seen, parts = set(), []
    for size in SIZES:
        w = rendition_size(width, height, size)[0]
        if w not in seen:
            seen.add(w)
            parts.append(f"{image_url(key, size)} {w}w")
    return ", ".join(parts)


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
    image = _upright(check_image(data))
    key = secrets.token_hex(16)
    if jobs.queue() is None:
        _encode(key, image)
    else:
        storage().stage(key, data)
        jobs.enqueue(encode_renditions, key)
    return StoredImage(key=key, width=image.width, height=image.height)


def _upright(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)  # turn it upright, then drop the metadata
    return image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")


def _encode(key: str, image: Image.Image) -> None:
    encoded: dict[tuple[int, int], bytes] = {}  # a small image is encoded once for every size
    try:
        for size, longest in SIZES.items():
            copy = image.copy()
            copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
            if copy.size not in encoded:
                out = io.BytesIO()
                copy.save(out, "WEBP", quality=82, method=4)
                encoded[copy.size] = out.getvalue()
            storage().save(f"{key}-{size}.webp", encoded[copy.size])
    except StorageUnavailable:
        for size in SIZES:  # no image with some of its sizes only
            try:
                storage().delete(f"{key}-{size}.webp")
            except OSError:
                pass
        raise


def encode_renditions(key: str) -> bool:
    """The job: encode a staged upload's sizes; False when there is nothing (left) to do."""
    data = storage().staged(key)
    if data is None:
        return False
    _encode(key, _upright(check_image(data)))
    storage().unstage(key)
    return True


RENDITION = re.compile(r"([0-9a-f]{32})-(?:" + "|".join(SIZES) + r")\.webp")


def ensure_rendition(filename: str) -> None:
    """Encode a staged upload now when one of its sizes is asked for before the job ran."""
    match = RENDITION.fullmatch(filename)
    if match and not storage().exists(filename):
        encode_renditions(match.group(1))


def delete_image(key: str) -> None:
    for size in SIZES:
        storage().delete(f"{key}-{size}.webp")
    storage().unstage(key)


def init_app(app: Flask) -> None:
    app.extensions["media_storage"] = LocalStorage(app.config["UPLOAD_DIR"])
    Image.MAX_IMAGE_PIXELS = app.config["MAX_IMAGE_PIXELS"]  # Pillow refuses 2x this unread
    app.jinja_env.globals.update(
        image_url=image_url, image_srcset=image_srcset, rendition_size=rendition_size
    )

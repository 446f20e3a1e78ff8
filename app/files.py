"""Writing files so that a full disk or a read-only folder never leaves half a file.

Every file the app writes (uploads, mail in the outbox, bank batch files, the search
journal) goes through `write_atomically`: a temporary file beside the target, renamed over
it once complete. A failure raises `StorageUnavailable` (an OSError), which the error
handlers answer with a 503 and which rolls the request's transaction back.
"""

import os
import uuid
from pathlib import Path


class StorageUnavailable(OSError):
    """A file could not be written (disk full, folder read-only or missing)."""


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write the whole file or nothing."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")  # writers may race
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(raw)
        os.replace(tmp, path)
    except OSError as error:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise StorageUnavailable(error.errno, f"cannot write {path}: {error.strerror}") from error

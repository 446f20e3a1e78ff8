"""Writing the Whoosh index: the one writer lock of all processes, the journal of changed ids
and the rebuild (see app.search.whoosh_backend for the layout of SEARCH_INDEX_DIR).
"""

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from whoosh import index

from app.search.documents import (
    ProductDocument,
)
from app.search.whoosh_schema import BulkSegmentWriter, index_fields


class JournaledWriting:
    """WhooshBackend's writing half: journal, drain and rebuild under the one writer lock."""

    @contextmanager
    def _write_lock(self, timeout: float):
        """The one writer lock of every process and thread; yields False on timeout."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / "write.lock", "a+")  # held open for the whole block
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.01)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def journal(self, product_ids: Iterable[int], shop_ids: Iterable[int] = ()) -> None:
        lines = [f"p {i}" for i in product_ids] + [f"s {i}" for i in shop_ids]
        if not lines:
            return
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex}"
        tmp = self.pending_dir / f".{name}.tmp"
        tmp.write_text("\n".join(lines) + "\n")
        os.replace(tmp, self.pending_dir / f"{name}.ids")

    def _pending(self) -> list[Path]:
        try:
            return sorted(self.pending_dir.glob("*.ids"))
        except FileNotFoundError:
            return []

    def apply_pending(self, load: Callable, timeout: float | None = None) -> bool:
        """Drain the journal into the live index; False when another writer has the lock.

        `load(product_ids, shop_ids)` returns (documents to index, product ids to remove).
        """
        if timeout is None:
            busy = (self.root / "reindexing").exists()
            timeout = 0 if busy else self.write_timeout
        while self._pending():
            with self._write_lock(timeout) as locked:
                if not locked:
                    return False
                self._drain_into(self._open_for_writing(), load)
            timeout = 0  # another writer holding the lock now drains after us
        return True

    def _drain_into(self, ix, load: Callable) -> None:
        """Under the write lock: apply every journaled change to `ix`, then forget it."""
        files = self._pending()
        while files:
            product_ids, shop_ids = set(), set()
            for path in files:
                for line in path.read_text().splitlines():
                    kind, _, value = line.partition(" ")
                    if value.isdigit():  # a damaged line must not block the journal for good
                        (product_ids if kind == "p" else shop_ids).add(int(value))
            documents, removed = load(product_ids, shop_ids)
            writer = ix.writer(timeout=10.0)
            try:
                for product_id in removed:
                    writer.delete_by_term("id", str(product_id))
                for doc in documents:
                    writer.update_document(**index_fields(doc))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            for path in files:
                path.unlink(missing_ok=True)
            files = self._pending()

    def rebuild(
        self,
        documents: Iterable[ProductDocument],
        load: Callable,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Build a new index beside the live one, catch up with the journal, then swap.

        Readers keep using the live index until the swap; writers meanwhile only journal,
        and the journal is drained into the new index before it goes live.
        """
        marker = self.root / "reindexing"
        with self._write_lock(timeout=120) as locked:
            if not locked:
                raise TimeoutError("another process holds the search write lock")
            self._create_if_missing()
            marker.touch()
            try:
                path = self._new_index_dir()
                try:
                    ix = index.create_in(str(path), self.schema)
                    writer = BulkSegmentWriter(ix)
                    count = 0
                    for doc in documents:
                        writer.add_document(**index_fields(doc))
                        count += 1
                        if progress is not None:
                            progress(1)
                    writer.commit()
                    self._drain_into(ix, load)
                except BaseException:
                    shutil.rmtree(path, ignore_errors=True)
                    raise
                previous = self._current_name()
                self._set_current(path.name)
                self._remove_old_indexes(keep={path.name, previous})
            finally:
                marker.unlink(missing_ok=True)
        self.apply_pending(load, timeout=0)
        return count

    def _remove_old_indexes(self, keep: set[str | None]) -> None:
        # The previous index stays for readers of other processes still on it.
        for path in self.root.glob("index-*"):
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)

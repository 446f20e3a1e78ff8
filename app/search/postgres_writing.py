"""Writing the PostgreSQL search index: the journal of changed ids, drained under one advisory
lock, and the rebuild (see app.search.postgres_backend for the tables).
"""

import time
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from app.search import analysis
from app.search.documents import (
    ProductDocument,
)
from app.search.postgres_schema import (
    BATCH,
    REBUILD_LOCK,
    RECOUNT_SPELLINGS,
    RECOUNT_WORDS,
    UPSERT,
    WORDS_OF,
    WRITE_LOCK,
    row_of,
)


class TableWriting:
    """PostgresBackend's writing half: journal, drain and rebuild under the advisory lock."""

    def journal(self, product_ids: Iterable[int], shop_ids: Iterable[int] = ()) -> None:
        rows = [{"kind": "p", "id": i} for i in product_ids]
        rows += [{"kind": "s", "id": i} for i in shop_ids]
        if rows:
            with self._engine().begin() as connection:
                connection.execute(
                    sa.text("INSERT INTO search_pending (kind, item_id) VALUES (:kind, :id)"),
                    rows,
                )

    def apply_pending(self, load: Callable, timeout: float | None = None) -> bool:
        """Drain the journal into the index; False when another writer has the lock.

        `load(product_ids, shop_ids)` returns (documents to index, product ids to remove).
        Like the Whoosh backend: a writer that finds the lock busy leaves its change in the
        journal, and the lock holder looks at the journal again after committing.
        """
        engine = self._engine()
        if timeout is None:
            timeout = 0 if self._rebuilding(engine) else self.write_timeout
        deadline = time.monotonic() + timeout
        while True:
            with engine.begin() as connection:
                locked = connection.execute(
                    sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK}
                ).scalar()
                if locked:
                    taken = connection.execute(
                        sa.text("DELETE FROM search_pending RETURNING kind, item_id")
                    ).all()
                    if not taken:
                        return True
                    product_ids = {i for kind, i in taken if kind == "p"}
                    shop_ids = {i for kind, i in taken if kind == "s"}
                    documents, removed = load(product_ids, shop_ids)
                    self._write(connection, documents, removed)
                    deadline = time.monotonic()  # committed: look once more, never wait
                    continue
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    @staticmethod
    def _rebuilding(engine: sa.Engine) -> bool:
        with engine.connect() as connection:
            return connection.execute(
                sa.text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                    "AND objid = :key AND granted)"
                ),
                {"key": REBUILD_LOCK},
            ).scalar()

    def _write(self, connection, documents: list[ProductDocument], removed: set[int]) -> None:
        ids = [doc.id for doc in documents] + list(removed)
        words, spellings = set(), set()
        for before_words, before_exact in connection.execute(WORDS_OF, {"ids": ids}):
            words.update(before_words)
            spellings.update(before_exact)
        if removed:
            connection.execute(
                sa.text(
                    "DELETE FROM search_documents WHERE product_id = ANY(CAST(:ids AS integer[]))"
                ),
                {"ids": list(removed)},
            )
        rows = [row_of(doc) for doc in documents]
        for start in range(0, len(rows), BATCH):
            connection.execute(UPSERT, rows[start : start + BATCH])
        for after_words, after_exact in connection.execute(
            WORDS_OF, {"ids": [doc.id for doc in documents]}
        ):
            words.update(after_words)
            spellings.update(after_exact)
        words = sorted(w for w in words if not w.isdigit())
        spellings = sorted(spellings)
        if words:
            connection.execute(RECOUNT_WORDS, {"words": words})
        if spellings:
            folded = [analysis.fold_word(w) for w in spellings]
            connection.execute(RECOUNT_SPELLINGS, {"words": spellings, "folded": folded})
        connection.execute(sa.text("DELETE FROM search_vocabulary WHERE ndoc = 0"))
        connection.execute(sa.text("DELETE FROM search_spellings WHERE ndoc = 0"))

    def rebuild(
        self,
        documents: Iterable[ProductDocument],
        load: Callable,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Replace every row in one transaction: searches see the old rows until it commits."""
        count = 0
        with self._engine().begin() as connection:
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:rebuild), pg_advisory_xact_lock(:write)"),
                {"rebuild": REBUILD_LOCK, "write": WRITE_LOCK},
            )
            connection.exec_driver_sql("DELETE FROM search_documents")
            batch: list[dict] = []
            for doc in documents:
                batch.append(row_of(doc))
                count += 1
                if progress is not None:
                    progress(1)
                if len(batch) >= BATCH:
                    connection.execute(UPSERT, batch)
                    batch = []
            if batch:
                connection.execute(UPSERT, batch)
            # Changes journaled meanwhile are applied by the next writer, re-read then.
            connection.exec_driver_sql("DELETE FROM search_vocabulary")
            connection.exec_driver_sql(
                "INSERT INTO search_vocabulary (word, ndoc) SELECT word, ndoc "
                "FROM ts_stat('SELECT words FROM search_documents') WHERE word !~ '^[0-9]+$'"
            )
            connection.exec_driver_sql("DELETE FROM search_spellings")
            stats = connection.exec_driver_sql(
                "SELECT word, ndoc FROM ts_stat('SELECT exact FROM search_documents')"
            ).all()
            rows = [{"w": w, "f": analysis.fold_word(w), "n": n} for w, n in stats]
            if rows:
                connection.execute(
                    sa.text(
                        "INSERT INTO search_spellings (word, folded, ndoc) VALUES (:w, :f, :n)"
                    ),
                    rows,
                )
        with self._engine().connect() as connection:  # fresh statistics for the planner
            connection.exec_driver_sql("ANALYZE search_documents")
            connection.exec_driver_sql("ANALYZE search_vocabulary")
            connection.commit()
        self.apply_pending(load)
        return count

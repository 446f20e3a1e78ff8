"""The Whoosh index missing or damaged: the search page and API answer 503 with a clear
message, /healthz says so, the rest of the site serves, and `flask search reindex` repairs
it while it does."""

import shutil
from pathlib import Path

import pytest

from app import search
from tests.factories import ProductFactory

MESSAGES = {
    "vi": "Chức năng tìm kiếm tạm thời gián đoạn",
    "en": "Search is unavailable for a moment; the rest of the marketplace works.",
}


def live_index(app) -> Path:
    root = Path(app.config["SEARCH_INDEX_DIR"])
    return root / (root / "CURRENT").read_text().strip()


def corrupt(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            path.write_bytes(b"\x00garbage\xff" * 64)


def missing(folder: Path) -> None:
    shutil.rmtree(folder)


@pytest.mark.parametrize("damage", [corrupt, missing], ids=["corrupted", "missing"])
def test_a_broken_index_is_a_clear_503_until_reindex_repairs_it(app, client, runner, damage):
    product = ProductFactory(name_vi="Nước mắm Phú Quốc", name_en="Phu Quoc fish sauce")
    assert search.search("nuoc mam", "vi").total == 1  # this process holds a searcher
    damage(live_index(app))

    for lang, message in MESSAGES.items():
        page = client.get(f"/{lang}/search?q=nuoc+mam")
        assert page.status_code == 503
        assert message in page.get_data(as_text=True)
    api = client.get("/api/v1/products?q=nuoc+mam")
    assert api.status_code == 503 and "Retry-After" in api.headers
    assert api.get_json()["error"]["part"] == "search"
    assert client.get("/api/v1/suggest?q=nuo").status_code == 503
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error", "db": "ok", "search": "error"}
    # Everything that does not search still serves.
    assert client.get("/vi/").status_code == 200
    assert client.get(f"/vi/p/{product.slug}").status_code == 200

    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed 1 products." in result.output
    assert client.get("/healthz").get_json() == {"status": "ok", "db": "ok", "search": "ok"}
    assert client.get("/api/v1/products?q=nuoc+mam").get_json()["total"] == 1
    assert "Phú Quốc" in client.get("/vi/search?q=nuoc+mam").get_data(as_text=True)

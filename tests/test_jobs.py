"""Background jobs on a real Redis and a real RQ worker: mail, image encoding, index updates.

Without REDIS_URL every job runs inline (the rest of the suite); here the app gets a
throwaway redis-server, requests only queue their jobs, and `work()` runs an RQ worker in
this process until the queue is empty, as `flask jobs worker` does beside the app servers.
"""

from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis

from app import jobs, search
from app.accounts.services import send_password_reset
from app.extensions import db
from app.media import SIZES, store_image
from app.models import PendingJob
from app.unit_of_work import transaction
from tests.factories import ProductFactory, UserFactory, image_bytes
from tests.servers import free_port


@pytest.fixture
def app_settings(redis_url) -> dict:
    return {"REDIS_URL": redis_url}


def work() -> None:
    """A real RQ worker, in burst mode: it runs every queued job, then returns."""
    jobs.work(burst=True)


def test_mail_is_queued_and_delivered_by_the_worker(app, outbox):
    UserFactory(email="mai@example.com")
    with app.test_request_context(), transaction():
        send_password_reset("mai@example.com", "en")
    assert outbox() == []
    assert jobs.queue().count == 1
    work()
    mails = outbox()
    assert [m["To"] for m in mails] == ["mai@example.com"]
    assert "/en/" in mails[0].get_content()
    assert jobs.queue().count == 0


def test_uploaded_image_is_encoded_by_the_worker(app):
    stored = store_image(image_bytes(size=(1200, 900)))
    assert (stored.width, stored.height) == (1200, 900)
    storage = app.extensions["media_storage"]
    assert not any(storage.exists(f"{stored.key}-{size}.webp") for size in SIZES)
    work()
    assert all(storage.exists(f"{stored.key}-{size}.webp") for size in SIZES)
    assert storage.staged(stored.key) is None  # the raw upload is gone once encoded


def test_image_asked_for_before_the_worker_ran_is_encoded_on_the_spot(app, client):
    stored = store_image(image_bytes())
    response = client.get(f"/media/{stored.key}-sm.webp")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    work()  # the job finds nothing left to do
    assert client.get(f"/media/{stored.key}-lg.webp").status_code == 200
    assert client.get("/media/staging/" + stored.key).status_code == 404


def test_search_index_follows_commits_through_the_worker(app):
    ProductFactory(name_vi="Bánh pía Sóc Trăng")
    assert search.search("banh pia", "vi").total == 0  # journaled, the job not yet run
    work()
    assert search.search("banh pia", "vi").total == 1


def test_a_failing_job_is_kept_in_the_database_for_a_retry(app, runner):
    jobs.enqueue(Path.read_text, Path("/nonexistent/chohtx-job"))
    work()
    kept = db.session.scalars(sa.select(PendingJob)).one()
    assert kept.name == "pathlib:Path.read_text" and kept.attempts == 1
    assert "FileNotFoundError" in kept.last_error
    result = runner.invoke(args=["jobs", "status"])
    assert result.exit_code == 0
    assert "queued: 0" in result.output and "kept for a retry: 1" in result.output


def test_jobs_share_one_queue_between_app_servers(app, redis_url):
    """Another app server's request queues on the same Redis; any worker runs it."""
    from app import create_app

    other = create_app({**app.config, "REDIS_URL": redis_url})
    with other.app_context():
        jobs.enqueue(search.apply_pending)
    assert Redis.from_url(redis_url).llen("rq:queue:" + jobs.QUEUE) == 1
    work()
    assert jobs.queue().count == 0


def test_without_redis_the_worker_command_explains_why_it_cannot_run(tmp_path, template_db):
    from app import create_app
    from tests.conftest import _settings

    url = template_db.clone(tmp_path)
    try:
        inline = create_app({**_settings(tmp_path), "SQLALCHEMY_DATABASE_URI": url})
        result = inline.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
        assert result.exit_code == 1
        assert "REDIS_URL is not set" in result.output
        with inline.app_context():
            db.engine.dispose()
    finally:
        template_db.drop(url)


@pytest.mark.parametrize("app_settings", [{"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}])
def test_with_redis_down_jobs_run_at_once_and_nothing_is_lost(app, outbox):
    UserFactory(email="lan@example.com")
    with app.test_request_context(), transaction():
        send_password_reset("lan@example.com", "vi")
    assert [m["To"] for m in outbox()] == ["lan@example.com"]
    ProductFactory(name_vi="Kẹo dừa Bến Tre")
    assert search.search("keo dua", "vi").total == 1

"""A reviewer uploads 200 files; a real procrastinate worker imports them while the job
page's progress bar climbs to 100%, and the articles are there."""

import re
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect
from procrastinate.contrib.django import app as queue_app

from app.articles.models import Article
from app.jobs.models import Job, JobState
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

FILES = 200


def run_worker() -> None:
    """The worker `./sanad worker` runs, on its own connection, until the queue is empty."""
    connector = queue_app.connector.get_worker_connector()
    with queue_app.replace_connector(connector) as worker_app:
        worker_app.run_worker(
            queues=["jobs"], wait=False, install_signal_handlers=False, listen_notify=False
        )


@pytest.fixture
def empty_queue_afterwards():
    """The queue's tables are not Django-managed, so the flush between tests skips them."""
    yield
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_periodic_defers; DELETE FROM procrastinate_events; "
            "DELETE FROM procrastinate_jobs; DELETE FROM procrastinate_workers"
        )


def test_a_bulk_import_of_200_files_shows_progress_to_100_and_the_articles_appear(
    page, live_server, log_in, team, monkeypatch, empty_queue_afterwards
):
    # The worker's task threads close their connections after each job (none outlives the test).
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    log_in(team.reviewer)
    page.goto(f"{live_server.url}/w/{team.workspace.slug}/jobs/import/")
    page.set_input_files(
        "#import-files",
        [
            {
                "name": f"note-{n:03d}.txt",
                "mimeType": "text/plain",
                "buffer": f"Note {n}: the mayor said ridership rose {n}% this year.\n".encode(),
            }
            for n in range(FILES)
        ],
    )
    page.get_by_role("button", name="Import in the background").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"), timeout=TIMEOUT_MS * 6)
    expect(page.locator("[data-job-state]")).to_have_text("Queued")
    assert not Article.objects.exists()

    worker = threading.Thread(target=run_worker)
    worker.start()
    try:
        expect(page.locator("[data-job-progress]")).to_have_attribute(
            "value", "100", timeout=180_000
        )
    finally:
        worker.join(timeout=180)
    expect(page.locator("[data-job-state]")).to_have_text("Done")
    expect(page.locator("[data-job-percent]")).to_have_text("100%")
    expect(page.locator("[data-job-summary]")).to_contain_text(f"imported: {FILES}")

    job = Job.objects.get()
    assert (job.state, job.done, job.total) == (JobState.DONE, FILES, FILES)
    assert Article.objects.filter(workspace=team.workspace).count() == FILES
    page.get_by_role("link", name="The workspace's articles").click()
    expect(page.get_by_text(re.compile(r"Note \d+: the mayor")).first).to_be_visible()

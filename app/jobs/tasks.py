"""The queue's tasks (procrastinate, found by its Django app's autodiscovery)."""

import logging

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from app.invitations.services import invitation_remove_expired
from app.jobs import runner, schedule
from app.notifications.digest import digests_send
from app.sources.captures import links_check_due

# A source checked within this many hours is skipped: a retried or doubled run (two
# workers past the queueing lock) does not fetch every cited page again.
LINK_CHECK_EVERY_HOURS = 20

# Up to three retries, waiting 4, 8, 16 s (+5 s each): enough for a database restart or
# a deploy, not so long that the person watching the progress bar gives up.
logger = logging.getLogger(__name__)

RETRY = RetryStrategy(max_attempts=3, wait=5, exponential_wait=2)


@app.task(name="sanad.run_job", queue="jobs", retry=RETRY, pass_context=True)
def run_job(context, job_id: int) -> None:
    runner.job_run(job_id, last_attempt=context.job.attempts >= RETRY.max_attempts)


# A worker killed mid-job (SIGKILL, lost machine) leaves its job "doing" forever: once the
# worker's heartbeat is older than procrastinate's 30 s limit, put the job back in the queue.
# job_run re-runs it from the start, which is safe (see app/jobs/runner.py).
@app.periodic(cron="* * * * *")
@app.task(name="sanad.retry_stalled_jobs", queue="maintenance", queueing_lock="stalled")
async def retry_stalled_jobs(timestamp: int) -> int:
    stalled = list(await app.job_manager.get_stalled_jobs())
    for job in stalled:
        logger.warning("retrying job %s (%s): its worker stopped answering", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return len(stalled)


# The hourly cleanup: export files past their time, and invitations long expired.
@app.periodic(cron="17 * * * *")
@app.task(name="sanad.remove_expired_exports", queue="maintenance", queueing_lock="cleanup")
def remove_expired_exports(timestamp: int) -> int:
    return runner.expired_exports_remove() + invitation_remove_expired()


@app.periodic(cron="5 * * * *")
@app.task(name="sanad.sign_checkpoints", queue="maintenance", queueing_lock="checkpoints")
def sign_checkpoints(timestamp: int) -> int:
    return len(schedule.checkpoints_sign_due())


@app.periodic(cron="*/5 * * * *")
@app.task(name="sanad.send_digests", queue="maintenance", queueing_lock="digests")
def send_digests(timestamp: int) -> int:
    return digests_send().emails


@app.periodic(cron="23 3 * * *")
@app.task(name="sanad.check_links", queue="maintenance", queueing_lock="link_checks")
def check_links(timestamp: int) -> dict[str, int]:
    """Daily: mark cited sources whose page is gone or changed since its capture."""
    return links_check_due(older_than_hours=LINK_CHECK_EVERY_HOURS)

"""gunicorn's settings for a Sanad web node (`gunicorn -c gunicorn.conf.py`, or `gunicorn` run
in this folder). Command-line flags and GUNICORN_CMD_ARGS override any of them.

Chosen with `bench/load.py` (20 users back to back, 70% reads, 25% writes, 5% exports)
on a 2-core machine: gthread with 3 processes × 6 threads served more requests than
5 × 2 or 4 × 4 at the same CPU per request, and far more than 2 sync workers, which
queue every read behind a write waiting for the WAL flush or an export. Three processes
keep both cores busy while one waits on the database; the GIL keeps each process to
one core, so more processes add memory, not speed. Scale the processes with the cores
(about 1.5 per core) and keep the threads at 6. The numbers are in docs/speed.md.
"""

import os

wsgi_app = "app.wsgi:application"
bind = os.environ.get("SANAD_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("SANAD_WEB_WORKERS") or os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("SANAD_WEB_THREADS", "6"))
# On SIGTERM (a deploy, a scale-down) a node stops accepting and finishes the requests it
# has for up to this long before its workers are killed; the proxy meanwhile sends new
# requests elsewhere, as its health check fails once the listener is closed.
graceful_timeout = int(os.environ.get("SANAD_GRACEFUL_TIMEOUT", "30"))
# Exports stream for seconds; a worker is only killed when it stops answering at all.
timeout = int(os.environ.get("SANAD_WORKER_TIMEOUT", "120"))
# The proxy in front keeps its connections open between requests; so does a script walking
# the API.
keepalive = int(os.environ.get("SANAD_KEEPALIVE", "30"))
# Workers restart now and then, so that no slow leak grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Imported once before forking: workers share the app's memory and start in no time.
preload_app = True
# Addresses whose X-Forwarded-* headers gunicorn believes: none but loopback by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("SANAD_ACCESS_LOG") or None

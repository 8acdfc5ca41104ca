"""gunicorn's settings for Sanad (`gunicorn -c gunicorn.conf.py app.wsgi:application`).

Chosen with `bench/load.py` (20 users back to back, 70% reads, 25% writes, 5% exports)
on a 2-core machine: gthread with 3 processes × 6 threads served more requests than
5 × 2 or 4 × 4 at the same CPU per request, and far more than 2 sync workers, which
queue every read behind a write waiting for the WAL flush or an export. Three processes
keep both cores busy while one waits on the database; the GIL keeps each process to
one core, so more processes add memory, not speed. Scale `SANAD_WEB_WORKERS` with the
cores (about 1.5 per core) and keep the threads at 6. The numbers are in docs/speed.md.
"""

import os

wsgi_app = "app.wsgi:application"
bind = os.environ.get("SANAD_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("SANAD_WEB_WORKERS", "3"))
threads = int(os.environ.get("SANAD_WEB_THREADS", "6"))
# A proxy in front keeps its connections open; so does a script walking the API.
keepalive = 30
graceful_timeout = 10
# Exports stream for seconds; a worker is only killed when it stops answering at all.
timeout = 120
# Workers restart now and then, so that no slow leak grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Imported once before forking: workers share the app's memory and start in no time.
preload_app = True

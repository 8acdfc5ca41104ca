"""gunicorn's settings for a Sanad web node: `gunicorn` run in this folder reads them.

Command-line flags and GUNICORN_CMD_ARGS override any of them.
"""

import os

wsgi_app = "app.wsgi:application"
bind = os.environ.get("SANAD_BIND", "127.0.0.1:8000")
# Threads, not more processes: a request mostly waits on PostgreSQL, and each process
# holds its own copy of the app (bench/load.py measured 3 x 6 best on two cores).
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("SANAD_WEB_THREADS", "6"))
# On SIGTERM (a deploy, a scale-down) a node stops accepting and finishes the requests it
# has for up to this long before its workers are killed; the proxy meanwhile sends new
# requests elsewhere, as its health check fails once the listener is closed.
graceful_timeout = int(os.environ.get("SANAD_GRACEFUL_TIMEOUT", "30"))
timeout = int(os.environ.get("SANAD_WORKER_TIMEOUT", "60"))
# The proxy in front keeps its connections open between requests.
keepalive = int(os.environ.get("SANAD_KEEPALIVE", "30"))
# Addresses whose X-Forwarded-* headers gunicorn believes: none but loopback by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("SANAD_ACCESS_LOG") or None

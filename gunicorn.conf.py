"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (`make serve`).

Every setting can be changed from the environment without editing this file. Each app server
runs its own gunicorn behind the proxy; they share PostgreSQL, Redis and the upload storage.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
# Sync workers: a request is a few milliseconds of CPU and database work; 2 per core + 1.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Long enough for a big CSV import or a Stripe call, short enough to free a stuck worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # the proxy keeps connections open to us
backlog = 2048
# Workers are recycled now and then, at different moments, to bound memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# The app is created in each worker, after the fork: no database connection or Whoosh
# searcher is ever shared between processes.
preload_app = False
# The proxy in front sets X-Forwarded-For/-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_protocol = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Temporary files for worker heartbeats in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
limit_request_line = 8190
limit_request_fields = 100

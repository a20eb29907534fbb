"""gunicorn's settings for the back-office: `gunicorn -c deploy/gunicorn.conf.py`.

Each setting may be changed from the environment (GUNICORN_*), so one file serves every
host. The app reads its own settings (DATABASE_URL, BACKOFFICE_*) from the environment
or instance/config.py; see the README's production notes.
"""

import multiprocessing
import os


def _env(name: str, default: str) -> str:
    return os.environ.get(f"GUNICORN_{name}", default)


wsgi_app = "backoffice:create_app()"
bind = _env("BIND", "127.0.0.1:8000")

# Synchronous workers: each request holds one worker, so slow clients are absorbed by the
# buffering proxy in front (deploy/nginx.conf), never by a worker.
worker_class = _env("WORKER_CLASS", "sync")
workers = int(_env("WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(_env("THREADS", "1"))

# A request still running after this many seconds is killed with its worker. The app's
# own statement timeout (DATABASE_STATEMENT_TIMEOUT, 20 s) comes first; long work runs
# as jobs, not in a request.
timeout = int(_env("TIMEOUT", "30"))
# A restart or a recycle lets a worker finish its current request for this long.
graceful_timeout = int(_env("GRACEFUL_TIMEOUT", "30"))
keepalive = int(_env("KEEPALIVE", "5"))

# Recycle each worker after about this many requests (the jitter spreads the restarts),
# so that memory a large import or export left behind is given back.
max_requests = int(_env("MAX_REQUESTS", "1000"))
max_requests_jitter = int(_env("MAX_REQUESTS_JITTER", "100"))

# The proxy whose X-Forwarded-Proto is believed (HTTPS, hence HSTS and secure cookies).
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Bound to loopback, the app is behind one proxy (nginx on this host, which alone reaches
# it) and takes the client's address from the proxy's X-Forwarded-For: otherwise every
# client is 127.0.0.1 to the sign-in locks and the security log, and a few wrong
# passwords from anyone lock the whole office out. Bound elsewhere, clients may reach it
# and write that header themselves. BACKOFFICE_PROXY_COUNT, when set, wins.
_behind_local_proxy = bind.startswith(("127.0.0.1:", "localhost:", "[::1]:", "unix:"))
raw_env = ([] if "BACKOFFICE_PROXY_COUNT" in os.environ or not _behind_local_proxy
           else ["BACKOFFICE_PROXY_COUNT=1"])

# Logs to stderr, which systemd's journal keeps.
accesslog = _env("ACCESS_LOG", "-")
errorlog = _env("ERROR_LOG", "-")
loglevel = _env("LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


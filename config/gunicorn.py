"""gunicorn settings of the production recipe (``gunicorn -c config/gunicorn.py config.wsgi``; the Procfile).

Environment: PORT (default 8000) and BIND_HOST (127.0.0.1: behind the reverse proxy), WEB_CONCURRENCY
(workers, default 4), WEB_TIMEOUT (seconds, default 120: large imports). The ``Server`` response header
(``gunicorn``) is not sent.
"""

import os

from gunicorn.http import wsgi

bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


# No server banner: the master patches the response class before forking its workers.
wsgi.Response.default_headers = _default_headers_without_server

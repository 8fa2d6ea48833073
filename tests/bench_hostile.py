"""The hostile-file benchmark of ``make bench`` (registered as ``hostile`` in ``tests/bench.py``).

Every case of ``tests/hostile.py`` is imported (annual data and attendee list) in a forked copy of the server
process, which reports the seconds to the answer and its peak memory (``ru_maxrss``, Django included); the
600 MB body is sent to the request-size guard. Then a gunicorn server is started on the benchmark database,
four uploads of the slowest case are posted at once and an ordinary page is timed while they run. Targets:
each answer ≤ 5 s and ≤ 300 MB; the ordinary page answers meanwhile.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

LIMIT_SECONDS = 5.0
LIMIT_MB = 300


def _child(connection, kind: str, build_name: str) -> None:
    from django.db import connections

    from tests import hostile

    connections.close_all()
    build = {**hostile.CASES, **hostile.CHEAP}[build_name]
    data = build(kind)
    start = time.perf_counter()
    message = _import(kind, data)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    connection.send((seconds, peak, message))
    connection.close()


def _import(kind: str, data: bytes) -> str:
    from counties.models import Role, User
    from indicators.importing import import_workbook
    from training.importing import import_attendees
    from training.models import TrainingEvent

    region = User.objects.get(username="bench_region")
    if kind == "indicators":
        result = import_workbook(data, "hostile.xlsx", region)
    else:
        result = import_attendees(region, TrainingEvent.objects.order_by("pk").first(), data)
    assert region.role == Role.REGION_STAFF
    return result.problems[0].message if result.problems else "accepted"


def _fixtures() -> None:
    import datetime

    from counties.models import County, Role, User
    from training.models import EventAudience, TrainingEvent

    User.objects.get_or_create(username="bench_region", defaults={"role": Role.REGION_STAFF})
    if not TrainingEvent.objects.exists():
        event = TrainingEvent.objects.create(
            county=County.objects.order_by("code").first(),
            date=datetime.date(2024, 6, 1),
            kind="training",
            title="bench",
        )
        EventAudience.objects.create(event=event, category="enterprise", headcount=5)


def measure_cases() -> list[tuple[str, str, float, float, str]]:
    """``(kind, case, seconds, peak MB, message)`` for every hostile case, each in a forked process."""
    from tests import hostile

    _fixtures()
    context = multiprocessing.get_context("fork")
    rows = []
    for kind in ("indicators", "attendees"):
        for name in [*hostile.CASES, *hostile.CHEAP]:
            parent, child = context.Pipe()
            process = context.Process(target=_child, args=(child, kind, name))
            process.start()
            seconds, peak, message = parent.recv()
            process.join()
            rows.append((kind, name, seconds, peak, message))
    return rows


def guard_seconds() -> float:
    """Seconds for the request-size guard to answer a request declaring a 600 MB body."""
    from django.test import RequestFactory

    from config.middleware import RequestSizeGuardMiddleware

    request = RequestFactory().post(
        "/excel/import/", data=b"", content_type="multipart/form-data; boundary=x"
    )
    request.META["CONTENT_LENGTH"] = str(600 * 1024 * 1024)
    start = time.perf_counter()
    response = RequestSizeGuardMiddleware(lambda r: None)(request)
    assert response.status_code == 413
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.module_loading import import_string

    from counties.models import User

    user = User.objects.get(username="bench_region")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The first backend that can load a user (django-axes' standalone backend only guards logins).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _multipart(token: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="h.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def concurrent_figures(worst_case: str) -> list[tuple[str, float]]:
    """Four uploads of ``worst_case`` at once against gunicorn, and an ordinary page timed meanwhile."""
    from django.urls import reverse

    from tests import hostile

    port = _free_port()
    env = dict(
        os.environ,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_MANIFEST="0",
        DEBUG="0",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-k",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        cookie = _session_cookie()
        page = urllib.request.Request(base + reverse("indicators:import"), headers={"Cookie": cookie})
        with urllib.request.urlopen(page, timeout=30) as response:
            html = response.read().decode()
            csrf = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = {**hostile.CASES, **hostile.CHEAP}[worst_case]("indicators")
        body, content_type = _multipart(token, data)
        headers = {
            "Cookie": f"{cookie}; csrftoken={csrf}",
            "Content-Type": content_type,
            "Referer": base + "/",
        }
        upload_times: list[float] = []

        def post():
            start = time.perf_counter()
            request = urllib.request.Request(
                base + reverse("indicators:import"), body, headers, method="POST"
            )
            try:
                urllib.request.urlopen(request, timeout=120).read()
            except OSError:
                pass
            upload_times.append(time.perf_counter() - start)

        threads = [threading.Thread(target=post) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.2)
        start = time.perf_counter()
        urllib.request.urlopen(base + "/login/", timeout=120).read()
        page_seconds = time.perf_counter() - start
        for thread in threads:
            thread.join()
        return [
            (f"ordinary page (login) while 4 × “{worst_case}” upload", page_seconds),
            ("slowest of the 4 concurrent uploads", max(upload_times)),
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)


def hostile_figures() -> list[tuple[str, float, int, str]]:
    rows = measure_cases()
    figures = []
    worst_overall = max(rows, key=lambda r: r[2])
    for kind in ("indicators", "attendees"):
        mine = [r for r in rows if r[0] == kind]
        slowest = max(mine, key=lambda r: r[2])
        hungriest = max(mine, key=lambda r: r[3])
        for _kind, name, seconds, peak, message in mine:
            flag = "" if seconds <= LIMIT_SECONDS and peak <= LIMIT_MB else "  !! over target"
            print(f"    {kind:<10} {name:<46} {seconds:6.2f} s {peak:6.0f} MB  {message[:50]}{flag}")
        figures.append((f"{kind}: worst time “{slowest[1]}” ({slowest[3]:.0f} MB)", slowest[2], 0, ""))
        figures.append(
            (f"{kind}: worst memory “{hungriest[1]}” ({hungriest[3]:.0f} MB)", hungriest[2], 0, "")
        )
    figures.append(("600 MB body: 413 from the request-size guard", guard_seconds(), 0, ""))
    try:
        figures.extend((label, seconds, 0, "") for label, seconds in concurrent_figures(worst_overall[1]))
    except Exception as exc:  # noqa: BLE001 - the server part is informative; print why it did not run
        print(f"    concurrent run skipped: {exc!r}")
    return figures

"""Production defaults (issue 14): health check, login lockout, headers, sessions, secret key, passwords."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "127.0.0.1,ip.example.gov.cn",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def environment(**env) -> dict:
    base = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY")
    }
    return {**base, **env}


# 4. /healthz: redirected to HTTPS in production, and details shown to anyone -----------------------------


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


@pytest.mark.django_db
def test_healthz_tells_an_anonymous_remote_caller_only_the_status(client, settings):
    settings.REDIS_URL = ""
    settings.HEALTHZ_TOKEN = "probe-secret"
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get(reverse("healthz"), **remote).json() == {"status": "ok"}
    # A local proxy relaying a remote caller is not a local caller.
    relayed = client.get(reverse("healthz"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert relayed.json() == {"status": "ok"}
    wrong = client.get(reverse("healthz"), HTTP_X_HEALTHZ_TOKEN="guess", **remote)
    assert wrong.json() == {"status": "ok"}
    right = client.get(reverse("healthz"), HTTP_X_HEALTHZ_TOKEN="probe-secret", **remote)
    assert right.json() == {"status": "ok", "database": "ok", "broker": "in-process"}
    assert client.get(reverse("healthz")).json()["database"] == "ok"  # a direct local call


@pytest.mark.django_db
def test_healthz_without_a_configured_token_shows_no_details_remotely(client, settings):
    settings.HEALTHZ_TOKEN = ""
    response = client.get(reverse("healthz"), REMOTE_ADDR="203.0.113.9", HTTP_X_HEALTHZ_TOKEN="")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_status_is_503_for_anyone_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503 and response.json() == {"status": "error"}


# 5. No login protection -----------------------------------------------------------------------------------


def attempt(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_wrong_passwords_lock_the_user_out_even_with_the_right_one_after(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    factories.UserFactory(username="victim", password="Right-Pass-2026")
    for _ in range(2):
        assert attempt(client, "victim", "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "victim", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page and "30 分钟" in page
    again = attempt(client, "victim", "Right-Pass-2026")
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    # The administrator's unlock command lets the right password in again.
    call_command("axes_reset_username", "victim")
    assert attempt(client, "victim", "Right-Pass-2026").status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_one_address_trying_many_user_names_is_locked_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    factories.UserFactory(username="other", password="Right-Pass-2026")
    for name in ("a1", "a2", "a3"):
        attempt(client, name, "wrong", REMOTE_ADDR="198.51.100.7")
    assert attempt(client, "other", "Right-Pass-2026", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert attempt(client, "other", "Right-Pass-2026", REMOTE_ADDR="198.51.100.8").status_code == 302


@pytest.mark.django_db
def test_x_forwarded_for_counts_only_when_trusted(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    factories.UserFactory(username="other", password="Right-Pass-2026")
    # Not trusted (default): a forged header does not dodge the per-address count.
    for index, name in enumerate(("b1", "b2", "b3")):
        attempt(client, name, "wrong", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}")
    assert attempt(client, "other", "Right-Pass-2026", REMOTE_ADDR="10.0.0.2").status_code == 429
    call_command("axes_reset")
    # Trusted (behind our proxy): the address the proxy appended is the client's.
    settings.TRUST_X_FORWARDED_FOR = True
    for name in ("c1", "c2", "c3"):
        attempt(client, name, "wrong", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.50")
    behind_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert (
        attempt(
            client, "other", "Right-Pass-2026", HTTP_X_FORWARDED_FOR="192.0.2.50", **behind_proxy
        ).status_code
        == 429
    )
    assert (
        attempt(
            client, "other", "Right-Pass-2026", HTTP_X_FORWARDED_FOR="192.0.2.51", **behind_proxy
        ).status_code
        == 302
    )


# 6. Headers and defaults ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_send_a_script_tight_csp_and_a_permissions_policy(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["default-src"]
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_no_template_has_an_inline_script_or_event_handler():
    templates = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    offenders = []
    for path in templates:
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")
    assert offenders == []


def test_sessions_last_a_working_day_and_end_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_app_refuses_to_start_with_the_default_secret_key_when_debug_is_off():
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup()"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment(DEBUG="0"), capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr and "SECRET_KEY" in run.stderr
    for env in ({"DEBUG": "1"}, {"DEBUG": "0", "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]}):
        run = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=environment(**env), capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr


@pytest.mark.django_db
def test_every_password_rule_speaks_chinese():
    user = factories.UserFactory.build(username="zhangsan", first_name="", last_name="", email="")
    messages = []
    with translation.override("zh-hans"):
        for password in ("zhangsan1", "short", "password", "12345678901"):
            with pytest.raises(ValidationError) as raised:
                validate_password(password, user)
            messages.extend(raised.value.messages)
        from django.contrib.auth.password_validation import password_validators_help_texts

        messages.extend(password_validators_help_texts())
    assert len(messages) >= 8
    for message in messages:
        assert CJK.search(message) and not re.search(r"[A-Za-z]{3,}", message.replace("zhangsan", "")), (
            message
        )


def test_the_production_recipe_sends_no_server_banner_and_answers_probes_over_http(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = environment(
        **PRODUCTION_ENV,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert response.status == 200  # not the HTTPS redirect
        assert "Server" not in response.headers
        assert response.headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_procfile_starts_web_worker_and_beat():
    lines = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(lines) == {"web", "worker", "beat"}
    assert "gunicorn -c config/gunicorn.py config.wsgi" in lines["web"]
    assert "celery -A config worker" in lines["worker"] and "celery -A config beat" in lines["beat"]


def test_the_sweep_interval_is_a_setting():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.CELERY_BEAT_SCHEDULE['sweep-stale-scores']['schedule'].total_seconds())"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment(DEBUG="1", SCORE_SWEEP_MINUTES="2"),
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert float(run.stdout) == 120


# Password reset by e-mail ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_by_email_when_mail_is_configured(client, settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    factories.UserFactory(username="forgetful", email="forgetful@example.gov.cn", password="Old-Pass-2026")
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "forgetful@example.gov.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert CJK.search(message.subject) and "forgetful" in message.body
    link = re.search(r"https?://[^/]+(/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "New-Pass-2026-x", "new_password2": "New-Pass-2026-x"},
        follow=True,
    )
    assert done.status_code == 200
    from counties.models import User

    assert User.objects.get(username="forgetful").check_password("New-Pass-2026-x")


@pytest.mark.django_db
def test_no_password_reset_without_mail(client, settings):
    settings.PASSWORD_RESET_BY_EMAIL = False
    assert client.get(reverse("password_reset")).status_code == 404
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") not in page and "管理员" in page

"""Settings come from the environment; health check; Celery wiring in both modes; the admin."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from counties.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def _run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def _settings(**env) -> dict:
    code = (
        "import json, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "from django.conf import settings as s;"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
        "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'broker': s.CELERY_BROKER_URL, 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'key': s.SECRET_KEY}))"
    )
    result = _run_python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_sqlite_in_the_project_and_in_process_tasks():
    values = _settings(SECRET_KEY="k" * 60)  # DEBUG off refuses the development key (tests/config)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")
    assert values["eager"] is True and values["broker"] == "memory://localhost/"
    assert values["debug"] is False
    assert (values["lang"], values["tz"]) == ("zh-hans", "Asia/Shanghai")


def test_settings_are_read_from_the_environment():
    values = _settings(
        DATABASE_URL="postgres://portal:pw@db.example:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DEBUG="1",
        ALLOWED_HOSTS="ip.example.gov.cn,localhost",
        SECRET_KEY="k" * 60,
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "portal"
    assert values["eager"] is False and values["broker"] == "redis://127.0.0.1:6379/3"
    assert values["debug"] is True
    assert values["hosts"] == ["ip.example.gov.cn", "localhost"]
    assert values["key"] == "k" * 60


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            "DEBUG": "0",
            "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            "ALLOWED_HOSTS": "ip.example.gov.cn",
            # The rest of the README's production recipe.
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "CSRF_TRUSTED_ORIGINS": "https://ip.example.gov.cn",
            "TRUST_X_FORWARDED_FOR": "1",
            "HEALTHZ_TOKEN": "a-probe-token",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_the_development_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "SECRET_KEY"}, "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_ping_task_runs_in_process_without_a_broker():
    assert ping.delay().get(timeout=5) == "pong"


@pytest.mark.django_db
def test_healthz_reports_database_and_in_process_broker(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_reports_a_reachable_redis_broker(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_admin_is_in_chinese(client_for):
    from tests import factories

    admin = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
    response = client_for(admin).get(reverse("admin:index"))
    assert response.status_code == 200
    assert "旗县" in response.content.decode()

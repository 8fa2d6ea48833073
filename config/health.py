"""Broker health for /healthz."""

from django.conf import settings


def broker_state() -> str:
    """``in-process`` without REDIS_URL; otherwise ``ok`` or ``unreachable`` after a short ping."""
    if not settings.REDIS_URL:
        return "in-process"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception:  # noqa: BLE001 - any failure means the broker is not usable
        return "unreachable"
    return "ok"

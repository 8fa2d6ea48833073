"""Notifications (SPEC §8a): kept in the portal for each user and sent by e-mail.

* ``notify_users(users, title=, body=, url=, kind=, key=)``: one ``Notification`` per active user; with a
  ``key`` (the event it reports) a user who already has that key gets nothing new, so a job that runs twice
  never notifies twice. E-mail goes, once the transaction commits, to recipients with an address through
  Django's e-mail backend: ``EMAIL_URL`` configures it (console output by default).
* recipients: ``county_users``, ``league_users``, ``region_users``.
* reads: ``unread_count``, ``notifications_for``; ``mark_read`` / ``mark_all_read``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Notification, Role, User

logger = logging.getLogger(__name__)


def _active(qs: QuerySet[User]) -> QuerySet[User]:
    return qs.filter(is_active=True)


def county_users(county_id) -> QuerySet[User]:
    return _active(User.objects.filter(role=Role.COUNTY_STAFF, county_id=county_id))


def league_users(league_id) -> QuerySet[User]:
    return _active(User.objects.filter(role=Role.LEAGUE_STAFF, league_id=league_id))


def region_users() -> QuerySet[User]:
    return _active(User.objects.filter(Q(role=Role.REGION_STAFF) | Q(is_superuser=True)))


def notify_users(
    users: Iterable[User], *, title: str, body: str = "", url: str = "", kind: str = "", key: str = ""
) -> list[Notification]:
    """Store a notification for each distinct user (skipping those who already have ``key``) and e-mail it."""
    users = {user.pk: user for user in users if user.is_active}
    if key:
        seen = set(Notification.objects.filter(user_id__in=users, key=key).values_list("user_id", flat=True))
        users = {pk: user for pk, user in users.items() if pk not in seen}
    created = []
    for user in users.values():
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user, kind=kind, key=key, title=str(title)[:200], body=str(body), url=url[:300]
                    )
                )
        except IntegrityError:  # the same event reached this user concurrently
            continue
    recipients = [n.user.email for n in created if n.user.email]
    if recipients:
        transaction.on_commit(lambda: _send_mail(str(title), str(body), url, recipients))
    return created


def _send_mail(title: str, body: str, url: str, recipients: list[str]) -> None:
    text = body
    if url:
        base = getattr(settings, "PORTAL_URL", "").rstrip("/")
        text = f"{body}\n\n{base}{url}" if base else f"{body}\n\n{url}"
    messages = [(title, text, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # noqa: BLE001 - the portal notification is stored; mail is best effort
        logger.exception("could not send %s notification e-mails", len(messages))


def notifications_for(user) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def mark_read(user, notification: Notification) -> None:
    """Mark one of ``user``'s notifications read (someone else's is not found: the caller scoped it)."""
    Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())

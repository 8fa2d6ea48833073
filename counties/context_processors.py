"""Template context of the counties app: the unread notification count of the top bar."""

from django.utils.functional import SimpleLazyObject

from .notifications import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}

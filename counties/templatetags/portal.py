"""Template filters shared by every page."""

from django import template

register = template.Library()


@register.filter
def user_display(user) -> str:
    """A user's full name, else their username, else an em dash (for deleted or system users)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username

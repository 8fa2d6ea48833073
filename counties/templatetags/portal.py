"""Template filters shared by every page."""

from django import template

from config.formatting import format_bool

register = template.Library()


@register.filter
def user_display(user) -> str:
    """A user's full name, else their username, else an em dash (for deleted or system users)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@register.filter
def yes_no(value) -> str:
    """是 / 否 as every page words it (``config.formatting.format_bool``)."""
    return format_bool(value)

"""Template context shared by every page."""

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_items": items_for(user, request.path) if user is not None else []}

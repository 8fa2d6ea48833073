"""One error type for refusals the user should read: ``PortalError(message)`` and a subclass per case.

Services raise these with a message in the user's language that names what was refused and why; views turn them
into a page message (``config.errors.message_for``) and management commands into one line on stderr and a
non-zero exit (``counties.cli``). Django's ``PermissionDenied`` stays what it is (403), and ``Http404`` for objects
out of scope.
"""

from __future__ import annotations


class PortalError(Exception):
    """A refusal with a readable ``message``; nothing was changed."""

    def __init__(self, message: str = ""):
        self.message = str(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NotAllowed(PortalError):
    """The user may not do this (role or scope); views answer with the message, not a bare 403."""


class Locked(PortalError):
    """The data is locked (an approved report, an accepted pilot, a closed finding)."""


class Conflict(PortalError):
    """Someone else changed the object since it was loaded (optimistic concurrency)."""


class InvalidInput(PortalError):
    """Input that fails validation; ``problems`` may list the individual messages."""

    def __init__(self, message: str = "", problems: list[str] | None = None):
        self.problems = list(problems or [])
        super().__init__(message or "；".join(self.problems))


class InvariantBroken(PortalError):
    """A write that would break an invariant (for example spent ≤ disbursed); refused whole."""


def message_for(error: BaseException) -> str:
    """The text to show for ``error``: a ``PortalError``'s message, or the messages of a ``ValidationError``."""
    if isinstance(error, PortalError):
        return error.message
    messages = getattr(error, "messages", None)
    if messages:
        return "；".join(str(m) for m in messages)
    return str(error)

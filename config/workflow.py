"""Workflows declared as tables: a small state machine shared by the annual report and the findings.

A workflow is a list of ``Transition`` rows — action, from states, to state, who may (roles and an optional
scope predicate), whether a comment is required — and one ``Workflow`` object that applies them:

* ``available_actions(obj, user)``: the transitions this user may take now (views and templates render exactly
  these buttons; services refuse everything else);
* ``perform(obj, action=, user=, comment=, expected_version=)``: locks the row (``select_for_update``), checks the
  version (``Conflict`` if someone else moved it), the state, the role and the comment, runs the action's own
  check and apply hooks, bumps the version, records the step (who, when, from, to, comment) through the
  workflow's ``record`` callback and sends ``transitioned`` on commit (notifications listen to it);
* ``perform_many(items, ...)``: the same for several objects, each with the version the user saw.

Why not django-fsm-2: its transitions are decorated model methods guarding one field; permissions and conditions
are per method, but it has no optimistic version check, no record of each step with a comment, no notion of a
required comment, and no table a template can ask "which actions may this user take" without calling every
method. Those four are what both our workflows need, and they fit in this one small module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from .access import NotAllowed, role_of
from .errors import Conflict, InvalidInput, PortalError

# Sent on commit after every transition: sender=workflow name, obj, transition, user, comment, from_state.
transitioned = Signal()


class TransitionNotAllowed(PortalError):
    """The step is not possible from the object's current state."""


class CommentRequired(InvalidInput, TransitionNotAllowed):
    """The step needs a comment and none was given (an invalid input, and a step not possible as asked)."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    comment_required: bool = False
    comment_missing: str = ""
    # Extra condition beyond the role (scope, ownership): (obj, user) -> bool.
    allowed: Callable | None = None
    style: str = "primary"
    # The message when the user may not take this step (default: a generic one naming the action).
    refused: str = ""
    # For pages: the label of the comment box (empty: no comment asked), a confirmation question, an icon.
    comment_label: str = ""
    confirm: str = ""
    icon: str = ""

    def permits(self, obj, user) -> bool:
        if role_of(user) not in self.roles:
            return False
        return self.allowed is None or bool(self.allowed(obj, user))


@dataclass
class Workflow:
    """A state machine over ``model.<state_field>`` with an integer ``version_field``."""

    name: str
    model: type[models.Model]
    transitions: Sequence[Transition]
    # record(obj, transition, from_state, user, comment): store the step (called inside the transaction).
    record: Callable
    state_field: str = "status"
    version_field: str = "version"
    describe: Callable = field(default=str)  # obj -> text naming it in messages
    # conflict(locked) -> the exception to raise when the version the user saw is stale (default ``Conflict``).
    conflict: Callable | None = None

    def __post_init__(self):
        self._by_action = {t.action: t for t in self.transitions}
        if len(self._by_action) != len(self.transitions):
            raise ValueError(f"workflow {self.name}: duplicate action")

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError as exc:
            raise TransitionNotAllowed(_("Unknown action.")) from exc

    def state(self, obj) -> str:
        return getattr(obj, self.state_field)

    def available_actions(self, obj, user) -> list[Transition]:
        if obj is None or getattr(obj, "pk", None) is None:
            return []
        state = self.state(obj)
        return [t for t in self.transitions if state in t.sources and t.permits(obj, user)]

    def can(self, obj, user, action: str) -> bool:
        return any(t.action == action for t in self.available_actions(obj, user))

    def _state_label(self, obj) -> str:
        display = getattr(obj, f"get_{self.state_field}_display", None)
        return str(display()) if display else self.state(obj)

    def check(self, obj, user, transition: Transition, comment: str) -> str:
        """Refuse the step if ``user`` may not take it (who comes first), if it is not possible for ``obj`` in its
        state, or if it needs a comment and ``comment`` is blank. Returns the stripped comment."""
        if not transition.permits(obj, user):
            raise NotAllowed(
                transition.refused or _("You may not “%(action)s” here.") % {"action": transition.label}
            )
        if self.state(obj) not in transition.sources:
            raise TransitionNotAllowed(
                _("%(object)s is %(state)s; “%(action)s” is not possible now.")
                % {"object": self.describe(obj), "state": self._state_label(obj), "action": transition.label}
            )
        return self.check_comment(transition, comment)

    def check_comment(self, transition: Transition, comment: str) -> str:
        comment = (comment or "").strip()
        if transition.comment_required and not comment:
            raise CommentRequired(transition.comment_missing or _("A comment is required for this step."))
        return comment

    def perform(
        self,
        obj,
        *,
        action: str,
        user,
        comment: str = "",
        expected_version: int | None = None,
        check: Callable | None = None,
        apply: Callable | None = None,
    ):
        """Take ``action`` on ``obj`` as ``user``; returns the locked, saved instance.

        ``check(locked)`` may refuse (raise) before anything changes; ``apply(locked)`` sets further fields
        after the state moved. Both run inside the transaction holding the row lock.
        """
        transition = self.transition(action)
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
            current = getattr(locked, self.version_field)
            if expected_version not in (None, "") and int(expected_version) != current:
                if self.conflict is not None:
                    raise self.conflict(locked)
                raise Conflict(
                    _(
                        "%(object)s was changed by someone else in the meantime; reload the page and try again."
                    )
                    % {"object": self.describe(locked)}
                )
            comment = self.check(locked, user, transition, comment)
            if check is not None:
                check(locked)
            from_state = self.state(locked)
            setattr(locked, self.state_field, transition.target)
            if apply is not None:
                apply(locked)
            setattr(locked, self.version_field, current + 1)
            locked._history_user = user  # django-simple-history: who made this change
            locked.save()
            self.record(locked, transition, from_state, user, comment)
            transaction.on_commit(
                lambda: transitioned.send(
                    sender=self.name,
                    obj=locked,
                    transition=transition,
                    user=user,
                    comment=comment,
                    from_state=from_state,
                )
            )
        for name in (self.state_field, self.version_field):
            setattr(obj, name, getattr(locked, name))
        return locked

    def perform_many(
        self,
        items: Iterable[tuple[models.Model, int | None]],
        *,
        action: str,
        user,
        comment: str = "",
        **hooks,
    ) -> tuple[list, list[tuple[models.Model, str]]]:
        """Take ``action`` on several ``(obj, version seen)``; each is checked on its own (a stale version or a
        moved state skips that one with the reason). Returns ``(done, [(obj, why skipped)])``."""
        done, skipped = [], []
        for obj, version in items:
            try:
                with transaction.atomic():
                    done.append(
                        self.perform(
                            obj, action=action, user=user, comment=comment, expected_version=version, **hooks
                        )
                    )
            except NotAllowed:
                raise
            except PortalError as exc:
                skipped.append((obj, exc.message))
        return done, skipped

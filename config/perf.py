"""Helpers for bulk work in pure Python."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk step allocates many small objects.

    Tens of thousands of short-lived objects trigger collections that walk everything already loaded: half the
    time of judging 21,630 indicators (profiled). Reference counting still frees the objects; the collector
    resumes afterwards, even when the step raises, and a nested pause leaves it to the outer one.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

"""Memory a load used goes back to the system once it is over (glibc's allocator only).

By default glibc keeps freed memory: it raises its threshold for serving large blocks from
fresh mappings each time one is freed (so later large blocks come from its heaps, which
fragment), and gives each busy thread a heap of its own. A server that read one 50 MB line
would stay that large. Fixed thresholds and two heaps keep large blocks in mappings of their
own, which go back as soon as they are freed, and ``release_free_memory`` trims the rest.
"""

import contextlib
import ctypes
import sys
from typing import Any

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def _libc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt  # noqa: B018 - present in glibc only
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def tune_allocator() -> None:
    """Set the allocator up for a long-running server (call it once, early)."""
    libc = _libc()
    if libc is None:
        return
    with contextlib.suppress(OSError):
        libc.mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
        libc.mallopt(_M_TRIM_THRESHOLD, 1024 * 1024)
        libc.mallopt(_M_ARENA_MAX, 2)


def release_free_memory() -> None:
    """Give the allocator's free pages back to the system."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)

"""Reading many stored JSON documents back as models at once."""

import gc
from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

MANY = 1_000
"""From this many documents, what was parsed is handed to the collector's oldest generation."""


def parse_all(model: type[M], documents: Iterable[str]) -> list[M]:
    """Each document validated as ``model``, with the cyclic garbage collector paused.

    Parsing an execution's 10,000 task runs allocates some 300,000 objects that all stay alive
    and hold no cycles: the collections those allocations trigger would scan each of them
    again and again, and cost three times the parsing itself. The collector is switched back
    on by the caller that switched it off, so overlapping calls from several threads, or a
    program that keeps it off, end in the state they began in.

    Once the collector is back on, those objects would still be young, and the next
    collections would scan them all, first as young, then as middle-aged: as much again as
    the parsing (the PostgreSQL and SQLite benchmarks: 360 -> 150 ms of CPU for 10,000 task
    runs). From ``MANY`` documents they are moved to the oldest generation at once
    (``gc.freeze`` then ``gc.unfreeze``, two list splices), where only a full collection looks
    at them; they are freed by reference counting as before. Young objects of other threads
    move with them, which only delays the collection of a cycle among them to the next full
    one. Skipped when something froze objects on purpose (a pre-fork server), which
    ``unfreeze`` would undo.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        parsed = [model.model_validate_json(document) for document in documents]
    finally:
        if paused:
            gc.enable()
    if len(parsed) >= MANY and gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
    return parsed

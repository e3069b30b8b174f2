"""Ids in Kestra's form: 128 bits written in base 62 (22 characters).

Kestra's are random UUIDs. Ours start with the time in milliseconds (as a UUIDv7 does) and end
with 80 random bits, so that ids made later sort later: new rows go to the end of the indexes
on them instead of to random pages, which keeps inserts cheap as the tables grow.
"""

import os
import socket
import time
import uuid

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_RANDOM_BITS = 80
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)
"""Every two-digit number in base 62, so that an id takes 11 divisions, not 22 (an id is
made for every task run)."""


def new_id() -> str:
    """A new id, e.g. ``1mmDk4IwHm2E7ZxWB9ztqV``; ids made in a later millisecond sort after."""
    # 80 bits from the system's random source, as ``secrets.randbits`` reads them.
    random = int.from_bytes(os.urandom(_RANDOM_BITS // 8))
    number = (time.time_ns() // 1_000_000) << _RANDOM_BITS | random
    # 128 bits are at most 22 digits: 11 pairs, the first ones zero (the padding).
    pairs = []
    for _ in range(11):
        number, rest = divmod(number, 3844)
        pairs.append(_PAIRS[rest])
    return "".join(reversed(pairs))


def process_id(host: str | None = None) -> str:
    """The id of this process of this machine: host, pid and a random part."""
    return f"{host or socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def dead_here(process_id: str) -> bool:
    """Whether ``process_id`` (from ``process_id``) names a process of this machine that
    no longer runs."""
    host, _, rest = process_id.rpartition("-")[0].rpartition("-")
    if host != socket.gethostname() or not rest.isdigit():
        return False
    try:
        os.kill(int(rest), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False

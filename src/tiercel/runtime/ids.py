"""Ids in Kestra's form: 128 bits written in base 62 (22 characters).

Kestra's are random UUIDs. Ours start with the time in milliseconds (as a UUIDv7 does) and end
with 80 random bits, so that ids made later sort later: new rows go to the end of the indexes
on them instead of to random pages, which keeps inserts cheap as the tables grow.
"""

import os
import secrets
import socket
import time
import uuid

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_RANDOM_BITS = 80


def new_id() -> str:
    """A new id, e.g. ``1mmDk4IwHm2E7ZxWB9ztqV``; ids made in a later millisecond sort after."""
    number = (time.time_ns() // 1_000_000) << _RANDOM_BITS | secrets.randbits(_RANDOM_BITS)
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits)).rjust(22, "0")


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

"""Ids as Kestra makes them: a random UUID written in base 62 (22 characters)."""

import uuid

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def new_id() -> str:
    """A new random id, e.g. ``4wjtkzwVGBM9yKnjyqB5yY``."""
    number = uuid.uuid4().int
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits)).rjust(22, "0")

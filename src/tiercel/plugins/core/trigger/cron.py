"""The cron syntax the Schedule trigger accepts (Kestra's cron-utils definition), checked
without evaluating it."""

import re

NICKNAMES = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")

# name, lowest, highest, names mapped to numbers
_Field = tuple[str, int, int, dict[str, int]]
_SECONDS: _Field = ("seconds", 0, 59, {})
_FIELDS: tuple[_Field, ...] = (
    ("minutes", 0, 59, {}),
    ("hours", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: index + 1 for index, name in enumerate(_MONTHS)}),
    ("day of week", 0, 7, {name: index for index, name in enumerate(_DAYS)}),
)
_NUMBER = re.compile(r"[0-9]+")


def cron_problem(cron: str, with_seconds: bool = False) -> str | None:
    """Return why ``cron`` is not a valid expression, or ``None`` when it is.

    Five fields (minutes to day of week), six with ``with_seconds`` (seconds first), or a
    nickname such as ``@daily``. Fields take numbers, month and day names, ``*``, lists,
    ranges and steps.
    """
    text = cron.strip()
    if text.startswith("@"):
        if text.lower() in NICKNAMES:
            return None
        return f"invalid cron expression '{cron}': unknown nickname '{text}'"
    fields = (_SECONDS, *_FIELDS) if with_seconds else _FIELDS
    parts = text.split()
    if len(parts) != len(fields):
        return (
            f"invalid cron expression '{cron}': expected {len(fields)} fields"
            f"{' (withSeconds is true)' if with_seconds else ''}, got {len(parts)}"
        )
    for part, field in zip(parts, fields, strict=True):
        problem = _field_problem(part, field)
        if problem:
            return f"invalid cron expression '{cron}': {problem}"
    return None


def _field_problem(text: str, field: _Field) -> str | None:
    name, _, _, _ = field
    for item in text.split(","):
        base, slash, step = item.partition("/")
        if slash and not (_NUMBER.fullmatch(step) and int(step) > 0):
            return f"invalid step '{step}' in {name} field '{text}'"
        if base == "*":
            continue
        bounds = base.split("-", 1) if "-" in base else [base]
        for bound in bounds:
            problem = _value_problem(bound, field, text)
            if problem:
                return problem
    return None


def _value_problem(value: str, field: _Field, text: str) -> str | None:
    name, lowest, highest, names = field
    if value.upper() in names:
        return None
    if not _NUMBER.fullmatch(value):
        return f"invalid value '{value}' in {name} field '{text}'"
    if not lowest <= int(value) <= highest:
        return f"{name} value {value} is out of range {lowest}-{highest}"
    return None

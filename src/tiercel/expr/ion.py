"""A minimal Amazon Ion text codec for the one-value-per-line files Kestra writes.

Tiercel's one Ion codec: the expression language's ``fromIon`` reads with it, and plugins
reach it as ``tiercel.sdk.ion`` (the core storage tasks, the SQL tasks' ``STORE`` results,
the serdes converters). It lives here, in the lowest layer that needs it, so that both do.

Kestra stores rows (``log.Fetch``, query results, the files ``FilterItems`` and
``DeduplicateItems`` read) as Ion text, one value per line. This module reads and writes the
subset those files use:

- read: structs (field names bare, ``'quoted'`` or ``"quoted"``), lists, s-expressions (as
  lists), strings (``"..."`` and ``'''...'''``, with Ion's escapes), symbols (as strings),
  integers (decimal, hex, binary, ``_`` separators), decimals (as ``Decimal``), floats (``e``
  exponent, ``nan``, ``+inf``, ``-inf``), booleans, ``null`` and typed nulls (``null.int``, as
  None), timestamps (kept as their text), annotations (``a::``, dropped) and comments;
- write: None, booleans, integers, floats, ``Decimal``, strings, dates and datetimes (as
  timestamps), lists and tuples, and maps with string keys, each on one line.

Blobs, clobs and binary Ion are not supported: ``loads`` raises ``IonError`` on them.
"""

import base64
import json
import json.encoder
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tiercel.expr.ion_reader import IonError, Reader, Timestamp

__all__ = ["IonError", "Timestamp", "blob", "dumps", "field_name", "loads", "loads_all"]

_BARE_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_encode_json_string = json.encoder.encode_basestring
_KEYWORDS = frozenset({"null", "true", "false", "nan"})


def loads_all(text: str) -> list[Any]:
    """Read every top-level Ion value of ``text``, in order (none for blank text).

    Raises:
        IonError: Not Ion values of the supported subset.
    """
    fast = _loads_as_json(text)
    if fast is not _NOT_JSON:
        return [fast]
    reader = Reader(text)
    values = []
    while reader.peek() is not None:
        values.append(reader.value())
    return values


def loads(text: str) -> Any:
    """Read the one Ion value of ``text``.

    Raises:
        IonError: Not a single Ion value of the supported subset.
    """
    fast = _loads_as_json(text)
    if fast is not _NOT_JSON:
        return fast
    return Reader(text).document()


# The fast path. Most Ion lines (those Kestra's tasks and this codec write) differ from JSON
# only outside their strings: bare field names, timestamps, decimals ending with a point,
# nan and infinities. Those are rewritten with a few regular expressions on the text between
# strings, and the json module (in C) does the rest, many times faster than the tokenizer
# below. Anything else (symbols, blobs, annotations, Ion's own escapes...) makes json refuse
# the text, and the tokenizer reads it instead: the fast path never changes a result.
_NOT_JSON = object()
_SEGMENT = "\x02"
# Only zero-width matches replaced by constant text: Python 3.11 expands a template with
# groups in Python, once per match, which would cost more than the json module saves.
_FAST_NAME_START = re.compile(r"(?<=[{,])(?=[A-Za-z_$])")
# A name ends with a letter, or a letter and one or two digits (not a timestamp's T00);
# other names stay unquoted, json refuses the line, and the tokenizer reads it.
_FAST_NAME_END = re.compile(r"(?=:)(?:(?<=[A-Za-z_$])|(?<=[A-SU-Za-z_$]\d)|(?<=[A-SU-Za-z_$]\d\d))")
_FAST_STAMP_START = re.compile(r"(?=\d{4}[-T])(?<![\w.\-])(?=\d{4}-\d{2}-\d{2}|\d{4}(?:-\d{2})?T)")
_FAST_STAMP_END = re.compile(
    r"(?=[,}\]]|$)(?:(?<=\d{4}-\d{2}-\d{2})|(?<=\dZ)|(?<=\d[+-]\d\d:\d\d)|(?<=\dT))"
)
_FAST_POINT = re.compile(r"(?<=\d)\.(?!\d)")
_FAST_SPECIAL = re.compile(r"(?<![\w$])(nan|[+-]inf)(?![\w$])")
_SPECIALS = {"nan": "NaN", "+inf": "Infinity", "-inf": "-Infinity"}
_STAMP = "\x01"
_BACKSLASHES = "\x03"
_QUOTE = "\x04"
_MARKS = re.compile("[\x01-\x04]")
_POINT_MARK = "e-00"  # "1." becomes "1.0e-00": no Ion writer prints a float that way


def _parse_float(text: str) -> Any:
    if text.endswith(_POINT_MARK):
        return Decimal(text[: -len(_POINT_MARK) - 1])
    if "e" in text or "E" in text:
        return float(text)
    return Decimal(text)


def _stamped(value: Any) -> Any:
    if value.__class__ is str:
        return Timestamp(value[1:]) if value[:1] == _STAMP else value
    if value.__class__ is list:
        return [_stamped(item) for item in value]
    return value


def _stamped_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Called for every struct of a line with timestamps: the common values (a string that is
    # no timestamp, a number) are kept without a call per value.
    return {
        key: (
            value
            if (value.__class__ is not str or value[:1] != _STAMP) and value.__class__ is not list
            else _stamped(value)
        )
        for key, value in pairs
    }


_plain_json_decoder = json.JSONDecoder(parse_float=_parse_float, strict=False)
_json_decoder = json.JSONDecoder(
    parse_float=_parse_float, object_pairs_hook=_stamped_object, strict=False
)


def _special(match: re.Match[str]) -> str:
    return _SPECIALS[match.group(1)]


# The text between a line's strings, rewritten. The lines of one file mostly share a shape
# once their numbers are masked ({id:0,at:0000-00-00T00:00Z,name:"..."}): the rewrite is
# worked out once per shape, on the masked text, and each line's own digits are put back in
# its result. A run of digits is masked by as many (up to 5) of a digit that \d and \w match
# as they match 0-9 and that no rewrite inserts: every rule, which looks at 4 digits at most,
# sees what it would see in the line, and the runs come back in order.
_REWRITES: dict[str, tuple[list[str], bool]] = {}
_REWRITES_KEPT = 4096
_MASKS = ["\u0660" * n for n in range(6)]
_MASKED_RUN = re.compile("\u0660+")
_DIGIT_RUN = re.compile("([0-9]+)")


def _rewrite(outside: str) -> tuple[list[str], bool]:
    """The JSON for the text between strings, cut at the strings again, and whether it holds
    timestamps; an empty list when the text cannot be JSON."""
    if not outside.isascii():  # no mask can be told from the text: rewritten as it is
        return _rewrite_text(outside)
    cut = _DIGIT_RUN.split(outside)
    runs = cut[1::2]
    if runs:
        cut[1::2] = [_MASKS[len(run) if len(run) < 5 else 5] for run in runs]
    shape = "".join(cut)
    found = _REWRITES.get(shape)
    if found is None:
        text, stamped = _rewrite_text(shape)
        found = (_MASKED_RUN.split(_SEGMENT.join(text)) if text else [], stamped)
        if len(_REWRITES) >= _REWRITES_KEPT:
            _REWRITES.clear()
        _REWRITES[shape] = found
    pieces, stamped = found
    if not pieces:
        return [], False
    if len(pieces) == 1:
        return pieces[0].split(_SEGMENT), stamped
    if len(runs) != len(pieces) - 1:  # a rewrite split a run of digits: none does
        return [], False
    joined: list[str] = [""] * (2 * len(runs) + 1)
    joined[0::2] = pieces
    joined[1::2] = runs
    return "".join(joined).split(_SEGMENT), stamped


def _rewrite_text(outside: str) -> tuple[list[str], bool]:
    if "NaN" in outside or "Infinity" in outside or "'" in outside:
        return [], False  # Ion symbols that json would read as numbers, or quoted symbols
    outside = _FAST_NAME_START.sub('"', outside)
    outside = _FAST_NAME_END.sub('"', outside)
    outside = _FAST_POINT.sub(".0" + _POINT_MARK, outside)
    outside, stamps = _FAST_STAMP_START.subn('"' + _STAMP, outside)
    if stamps:
        outside = _FAST_STAMP_END.sub('"', outside)
    if "inf" in outside or "nan" in outside:
        outside = _FAST_SPECIAL.sub(_special, outside)
    return outside.split(_SEGMENT), bool(stamps)


def _loads_as_json(text: str) -> Any:
    if _MARKS.search(text) is not None:
        return _NOT_JSON
    escaped = "\\" in text
    if escaped:  # an escaped quote must not split its string
        text = text.replace("\\\\", _BACKSLASHES).replace('\\"', _QUOTE)
    parts = text.split('"')
    if len(parts) % 2 == 0:
        return _NOT_JSON
    rewritten, stamped = _rewrite(_SEGMENT.join(parts[0::2]))
    if len(rewritten) != len(parts) // 2 + 1:
        return _NOT_JSON
    parts[0::2] = rewritten
    if escaped:
        parts[1::2] = [
            part.replace(_QUOTE, '\\"').replace(_BACKSLASHES, "\\\\") for part in parts[1::2]
        ]
    joined = '"'.join(parts)
    try:
        decoder = _json_decoder if stamped else _plain_json_decoder
        value, end = decoder.raw_decode(joined)
    except ValueError:
        return _NOT_JSON
    if end != len(joined) and joined[end:].strip():
        return _NOT_JSON  # more than one value
    return _stamped(value) if stamped else value


def dumps(value: Any) -> str:
    """Write ``value`` as Ion text on one line.

    Raises:
        IonError: A map key is not a string.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, Timestamp):
        return str.__str__(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return blob(bytes(value))
    if isinstance(value, datetime):
        return _timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_field(k)}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    return _string(str(value))


def blob(data: bytes) -> str:
    """``data`` as an Ion blob: base64 between double braces."""
    return "{{" + base64.b64encode(data).decode("ascii") + "}}"


def field_name(name: str) -> str:
    """A struct field name as Ion writes it: bare when it can be, quoted otherwise."""
    return _field(name)


def _string(text: str) -> str:
    # JSON's escapes (\", \\, \n, \uXXXX...) are all valid Ion escapes, and the json module
    # writes them in C: a string-heavy file is written several times faster than char by char.
    return _encode_json_string(text)


def _field(name: Any) -> str:
    if not isinstance(name, str):
        raise IonError(f"an Ion struct field name must be a string, not {name!r}")
    if _BARE_NAME.fullmatch(name) and name not in _KEYWORDS:
        return name
    return _string(name)


def _float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    text = repr(value)
    return text if "e" in text else text + "e0"


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise IonError(f"an Ion decimal must be finite, not {value}")
    text = str(value).replace("E", "d")
    return text if "." in text or "d" in text else text + "."


def _timestamp(value: datetime) -> str:
    offset = value.utcoffset()
    if offset is None:
        return value.isoformat() + "-00:00"  # Ion's "unknown offset"
    text = value.isoformat()
    return text[:-6] + "Z" if not offset else text

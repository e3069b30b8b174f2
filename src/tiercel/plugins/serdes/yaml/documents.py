"""YAML documents read and written as Kestra's Jackson mapper does: dates stay strings, each
``---`` document is one record, a single record is written as a plain document and several as a
``---`` stream. Hostile files (alias bombs, recursive anchors, deep nesting) fail the task with
one line instead of filling the memory."""

from collections.abc import Iterable, Iterator
from typing import IO, Any

import yaml

from tiercel.sdk import TaskFailure
from tiercel.sdk.yaml_text import TextDatesLoader

MAX_VALUES = 10_000_000
"""The most values one document may expand to, a value shared by aliases counted each time
it appears (a "billion laughs" file names a few values and expands to billions)."""


class _Dumper(yaml.SafeDumper):
    """Block style, keys in their order, no document end markers."""


def read_documents(text: IO[str], uri: str) -> Iterator[Any]:
    """Each document of a YAML stream, read one at a time.

    Raises:
        TaskFailure: text that is not YAML (with its line), or a document expanding to more
            than ``MAX_VALUES`` values, nesting too deep, or containing itself.
    """
    try:
        for document in yaml.load_all(text, Loader=TextDatesLoader):  # a safe loader
            _check_size(document, uri)
            yield document
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise TaskFailure(f"{uri} is not YAML{where}: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise TaskFailure(f"{uri} is not YAML: {exc}") from None
    except RecursionError:
        raise TaskFailure(f"{uri}: the YAML is nested too deeply") from None


def write_documents(out: IO[str], documents: Iterable[Any]) -> int:
    """Write the documents as Kestra does: one plainly, several each after ``---``; how many."""
    count = 0
    pending: Any = None
    for document in documents:
        if count == 1:
            out.write("---\n")
            _dump(out, pending)
        if count >= 1:
            out.write("---\n")
            _dump(out, document)
        else:
            pending = document
        count += 1
    if count == 1:
        _dump(out, pending)
    return count


def _dump(out: IO[str], document: Any) -> None:
    text = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    # A scalar document ends with PyYAML's "...": Jackson writes none.
    out.write(text.removesuffix("...\n"))


def _check_size(document: Any, uri: str) -> None:
    """Count what the document expands to; values shared by aliases are counted once per use,
    their size computed once."""
    sizes: dict[int, int] = {}
    open_ids: set[int] = set()

    def size(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 1
        key = id(value)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in open_ids:
            raise TaskFailure(f"{uri}: a YAML alias refers to a value that contains it")
        open_ids.add(key)
        children = value.values() if isinstance(value, dict) else value
        total = 1 + sum(size(child) for child in children)
        open_ids.discard(key)
        if total > MAX_VALUES:
            raise TaskFailure(
                f"{uri}: a YAML document expands to over {MAX_VALUES:,} values (an alias bomb?)"
            )
        sizes[key] = total
        return total

    size(document)

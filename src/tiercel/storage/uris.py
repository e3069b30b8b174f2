"""Kestra's ``kestra://`` URI layout, as pure functions.

A stored file is named by a URI such as
``kestra:///company/team/my-flow/executions/<executionId>/tasks/<taskId>/<taskRunId>/out.csv``:
the namespace becomes a path (``company.team`` -> ``company/team``), flow and task ids are
slugified as Kestra's ``Slugify`` does, and namespace files live under ``<namespace path>/_files``.
Every adapter maps a URI to its storage key through ``uri_to_segments``, so the rules against
path traversal are written, and tested, once.
"""

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, unquote

from tiercel.model.flow import NAMESPACE_PATTERN
from tiercel.storage.errors import InvalidPathError

KESTRA_SCHEME = "kestra"
"""The scheme of internal storage URIs."""

NAMESPACE_FILES_DIR = "_files"
"""The directory under a namespace's path that holds its namespace files."""

MAX_SEGMENT_BYTES = 255
"""The longest file or folder name, in UTF-8 bytes, that common file systems accept."""

_ROOT = "kestra:///"
# Characters Java's URI keeps unescaped in a path segment; Kestra's URIs print them as they are.
_SEGMENT_SAFE = "!$&'()*+,;=:@~"
_NAMESPACE = re.compile(NAMESPACE_PATTERN)
_NOT_WORD_OR_DASH = re.compile(r"[^A-Za-z0-9_-]")
_WHITESPACE = re.compile(r"\s")
_EXECUTION_ID = re.compile(r"^/(.+)/executions/([^/]+)/", re.IGNORECASE)


def split_path(raw: str, *, what: str = "path") -> tuple[str, ...]:
    """Split a slash-separated relative path into segments, refusing traversal.

    A leading ``/``, empty segments and ``.`` segments are dropped, so ``/a//./b`` is
    ``("a", "b")``.

    Args:
        raw: The path, not percent-encoded.
        what: How to name the value in an error message.

    Returns:
        The segments, possibly none.

    Raises:
        InvalidPathError: The path contains ``..``, a backslash or a NUL character.
    """
    return tuple(_check_segment(s, raw, what) for s in raw.split("/") if s not in ("", "."))


def uri_to_segments(uri: str) -> tuple[str, ...]:
    """The path segments of a ``kestra:///`` URI, decoded and checked.

    Args:
        uri: A URI such as ``kestra:///ns/flow/file.txt``; ``kestra:///`` names the root.

    Returns:
        The decoded segments; none for the root.

    Raises:
        InvalidPathError: Another scheme, a host part, a query, ``..`` or a NUL character.
    """
    if not isinstance(uri, str):
        raise InvalidPathError(f"a storage URI must be a string, not {type(uri).__name__}")
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme.lower() != KESTRA_SCHEME:
        raise InvalidPathError(f"{uri!r} is not a storage URI: expected 'kestra:///<path>'")
    if not rest.startswith("/"):
        # ``kestra://ns/flow`` would make ``ns`` a host name, which Kestra never writes.
        raise InvalidPathError(f"{uri!r} has a host part: expected 'kestra:///<path>'")
    if "?" in rest or "#" in rest:
        raise InvalidPathError(f"{uri!r} has a query or fragment; encode '?' and '#' in names")
    segments: list[str] = []
    for raw in rest.split("/"):
        if raw in ("", "."):
            continue
        try:
            decoded = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise InvalidPathError(f"{uri!r}: a percent-encoded name is not UTF-8") from None
        if "/" in decoded:
            raise InvalidPathError(f"{uri!r}: an encoded '/' must not hide inside a name")
        segments.append(_check_segment(decoded, uri, "URI"))
    return tuple(segments)


def segments_to_uri(segments: Iterable[str], *, directory: bool = False) -> str:
    """The ``kestra:///`` URI of a path given as segments.

    Args:
        segments: Path segments, not percent-encoded.
        directory: End the URI with ``/``, as Kestra writes prefixes.

    Returns:
        The URI, each segment percent-encoded where a URI needs it.

    Raises:
        InvalidPathError: A segment is empty, ``.``, ``..`` or contains ``/``, ``\\`` or NUL.
    """
    encoded = [quote(_segment(s, "path segment"), safe=_SEGMENT_SAFE) for s in segments]
    uri = _ROOT + "/".join(encoded)
    return uri + "/" if directory and encoded else uri


def normalize_uri(uri: str) -> str:
    """``uri`` in the canonical form this package returns (``kestra:///a/b``, no extra slashes).

    Raises:
        InvalidPathError: ``uri`` is not a valid storage URI.
    """
    return segments_to_uri(uri_to_segments(uri))


def slugify(text: str) -> str:
    """Kestra's ``Slugify.of``: the form flow and task ids take in storage paths.

    Whitespace becomes ``-``, accents are dropped, characters other than letters, digits,
    ``-`` and ``_`` are removed, ``_`` becomes ``-``, runs of ``-`` collapse and the result is
    lower case: ``My_Flow`` -> ``my-flow``.
    """
    slug = unicodedata.normalize("NFD", _WHITESPACE.sub("-", text))
    slug = _NOT_WORD_OR_DASH.sub("", slug).replace("_", "-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.removeprefix("-").removesuffix("-").lower()


def namespace_segments(namespace: str) -> tuple[str, ...]:
    """A namespace as path segments: ``company.team`` -> ``("company", "team")``.

    Raises:
        InvalidPathError: Not a valid Kestra namespace, one with an empty part (``a..b``) or
            a part too long for a folder name.
    """
    if not isinstance(namespace, str) or not _NAMESPACE.fullmatch(namespace):
        raise InvalidPathError(f"invalid namespace {namespace!r}: expected {NAMESPACE_PATTERN}")
    parts = tuple(namespace.split("."))
    if "" in parts:
        # ``a..b`` and ``a.b`` would otherwise share a directory.
        raise InvalidPathError(f"invalid namespace {namespace!r}: empty part between dots")
    return tuple(_check_segment(part, namespace, "namespace") for part in parts)


def namespace_path(namespace: str) -> str:
    """A namespace as Kestra writes it in storage paths: ``company.team`` -> ``company/team``."""
    return "/".join(namespace_segments(namespace))


def flow_uri(namespace: str, flow_id: str) -> str:
    """The prefix of every file of a flow: ``kestra:///<ns path>/<flow slug>/``."""
    return segments_to_uri(_flow(namespace, flow_id), directory=True)


def execution_uri(namespace: str, flow_id: str, execution_id: str) -> str:
    """The prefix of every file of an execution: ``.../<flow>/executions/<executionId>/``."""
    return segments_to_uri(_execution(namespace, flow_id, execution_id), directory=True)


def task_run_uri(
    namespace: str, flow_id: str, execution_id: str, task_id: str, task_run_id: str
) -> str:
    """The prefix of the files of one task run: ``.../executions/<id>/tasks/<task>/<run>/``."""
    return segments_to_uri(
        _task_run(namespace, flow_id, execution_id, task_id, task_run_id), directory=True
    )


def task_file_uri(
    namespace: str,
    flow_id: str,
    execution_id: str,
    task_id: str,
    task_run_id: str,
    file_name: str,
) -> str:
    """The URI of a file a task run stores.

    Example:
        ``task_file_uri("company.team", "my_flow", "E1", "dl", "TR1", "out.csv")`` is
        ``kestra:///company/team/my-flow/executions/E1/tasks/dl/TR1/out.csv``.
    """
    run = _task_run(namespace, flow_id, execution_id, task_id, task_run_id)
    return segments_to_uri((*run, _segment(file_name, "file name")))


def input_file_uri(
    namespace: str, flow_id: str, execution_id: str, input_id: str, file_name: str
) -> str:
    """The URI of a FILE input: ``.../executions/<id>/inputs/<inputId>/<file>``."""
    return segments_to_uri(
        (
            *_execution(namespace, flow_id, execution_id),
            "inputs",
            _segment(input_id, "input id"),
            _segment(file_name, "file name"),
        )
    )


def namespace_files_uri(namespace: str) -> str:
    """The prefix of a namespace's files: ``kestra:///<ns path>/_files/``."""
    return segments_to_uri((*namespace_segments(namespace), NAMESPACE_FILES_DIR), directory=True)


def namespace_file_uri(namespace: str, path: str) -> str:
    """The URI of a namespace file; ``path`` may start with ``/``.

    Raises:
        InvalidPathError: An invalid namespace, an empty path or one that tries to leave the
            namespace.
    """
    segments = split_path(path, what="namespace file path")
    if not segments:
        raise InvalidPathError(f"namespace file path {path!r} names no file")
    return segments_to_uri((*namespace_segments(namespace), NAMESPACE_FILES_DIR, *segments))


def execution_id_of(uri: str) -> str | None:
    """The execution id a URI belongs to, as Kestra's ``StorageContext.extractExecutionId``."""
    path = "/" + "/".join(uri_to_segments(uri))
    match = _EXECUTION_ID.match(path)
    return match.group(2) if match else None


def _flow(namespace: str, flow_id: str) -> tuple[str, ...]:
    return (*namespace_segments(namespace), _segment(slugify(flow_id), f"flow id {flow_id!r}"))


def _execution(namespace: str, flow_id: str, execution_id: str) -> tuple[str, ...]:
    return (*_flow(namespace, flow_id), "executions", _segment(execution_id, "execution id"))


def _task_run(
    namespace: str, flow_id: str, execution_id: str, task_id: str, task_run_id: str
) -> tuple[str, ...]:
    return (
        *_execution(namespace, flow_id, execution_id),
        "tasks",
        _segment(slugify(task_id), f"task id {task_id!r}"),
        _segment(task_run_id, "task run id"),
    )


def _segment(value: str, what: str) -> str:
    """``value`` if it is usable as exactly one path segment."""
    if not isinstance(value, str) or value in ("", ".") or "/" in value:
        raise InvalidPathError(f"invalid {what} {value!r}: must be one non-empty path segment")
    return _check_segment(value, value, what)


def _check_segment(segment: str, whole: str, what: str) -> str:
    if segment == "..":
        raise InvalidPathError(f"{what} {whole!r} must not contain '..'")
    if "\x00" in segment:
        raise InvalidPathError(f"{what} {whole!r} must not contain a NUL character")
    if "\\" in segment:
        # A backslash is a separator on Windows: refusing it keeps paths portable and safe.
        raise InvalidPathError(f"{what} {whole!r} must not contain a backslash")
    size = len(segment.encode("utf-8", "surrogatepass"))
    if size > MAX_SEGMENT_BYTES:
        # File systems refuse a longer name (ENAMETOOLONG); say so before trying.
        raise InvalidPathError(
            f"{what} {_shorten(whole)!r} has a name of {size} bytes: "
            f"at most {MAX_SEGMENT_BYTES} bytes between two '/'"
        )
    return segment


def _shorten(text: str) -> str:
    return text if len(text) <= 80 else f"{text[:60]}...{text[-10:]}"

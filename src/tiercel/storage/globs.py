"""Java-style globs, as Kestra matches namespace files and KV keys.

``*`` and ``?`` stay within one path segment, ``**`` crosses segments, ``[abc]``/``[!a-z]``
match one character and ``{a,b}`` picks an alternative, as in ``java.nio.file.PathMatcher``.
"""

import re
from collections.abc import Callable, Sequence

from tiercel.storage.errors import StorageError

# Java's \w, which Kestra uses to spot a relative pattern, is ASCII-only.
_WORD_START = re.compile(r"[A-Za-z0-9_]")


class GlobError(StorageError, ValueError):
    """A glob pattern is malformed."""


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a Java-style glob to a regular expression to use with ``fullmatch``.

    Raises:
        GlobError: An unclosed ``[`` or ``{``, or nested ``{``.
    """
    out: list[str] = []
    in_group = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            double = pattern.startswith("**", i)
            out.append(".*" if double else "[^/]*")
            i += 2 if double else 1
            continue
        if char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                raise GlobError(f"glob {pattern!r}: '[' is never closed")
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            escaped = "".join("-" if c == "-" else re.escape(c) for c in body)
            # A bracket never matches the separator, negated or not.
            out.append(f"(?!/)[{'^' if negate else ''}{escaped}]")
            i = end
        elif char == "{":
            if in_group:
                raise GlobError(f"glob {pattern!r}: '{{' groups cannot nest")
            in_group = True
            out.append("(?:")
        elif char == "}" and in_group:
            in_group = False
            out.append(")")
        elif char == "," and in_group:
            out.append("|")
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    if in_group:
        raise GlobError(f"glob {pattern!r}: '{{' is never closed")
    return re.compile("".join(out), re.DOTALL)


def path_matcher(patterns: Sequence[str]) -> Callable[[str], bool]:
    """A predicate over namespace-file paths that is true when one of ``patterns`` matches.

    As in Kestra's ``PathMatcherPredicate``, paths are matched with a leading ``/``, a pattern
    starting with a letter, digit or ``_`` matches at any depth (``scripts/*.py`` is
    ``**/scripts/*.py``), and ``regex:`` or ``glob:`` select the syntax explicitly.

    Args:
        patterns: Globs or ``regex:`` expressions.

    Returns:
        A function of a path relative to the namespace root (with or without leading ``/``).
    """
    compiled = [_compile_path_pattern(p) for p in patterns]

    def matches(path: str) -> bool:
        rooted = path if path.startswith("/") else "/" + path
        return any(regex.fullmatch(rooted) for regex in compiled)

    return matches


def _compile_path_pattern(pattern: str) -> re.Pattern[str]:
    if pattern.startswith("regex:"):
        try:
            return re.compile(pattern.removeprefix("regex:"))
        except re.error as err:
            raise GlobError(f"pattern {pattern!r}: {err}") from None
    if pattern.startswith("glob:"):
        return glob_to_regex(pattern.removeprefix("glob:"))
    return glob_to_regex("**/" + pattern if _WORD_START.match(pattern) else pattern)

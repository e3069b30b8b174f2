"""Java-style globs, as Kestra applies them to namespace files."""

import pytest

from tiercel.storage import GlobError
from tiercel.storage.globs import glob_to_regex, path_matcher


@pytest.mark.parametrize(
    ("glob", "text", "matches"),
    [
        ("*.py", "a.py", True),
        ("*.py", "a/b.py", False),
        ("**.py", "a/b.py", True),
        ("**/b.py", "/a/b.py", True),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("[ab]x", "bx", True),
        ("[!ab]x", "cx", True),
        ("[!ab]x", "ax", False),
        ("[!ab]x", "/x", False),
        ("[a-c]", "b", True),
        ("{a,bc}.txt", "bc.txt", True),
        ("{a,bc}.txt", "b.txt", False),
        ("a.b", "axb", False),
        ("\\*", "*", True),
        ("AI_*", "AI_key", True),
        ("AI_*", "ai_key", False),
    ],
)
def test_glob_semantics(glob: str, text: str, matches: bool) -> None:
    assert bool(glob_to_regex(glob).fullmatch(text)) is matches


@pytest.mark.parametrize("glob", ["[ab", "{a,b", "{a,{b}}"])
def test_malformed_globs(glob: str) -> None:
    with pytest.raises(GlobError):
        glob_to_regex(glob)


def test_path_matcher_follows_kestra() -> None:
    matches = path_matcher(["scripts/*.py"])
    assert matches("scripts/a.py")
    assert matches("/deep/scripts/a.py")
    assert not matches("scripts/lib/a.py")
    assert path_matcher(["regex:.*\\.sql"])("/q/a.sql")
    assert path_matcher(["glob:/top.txt"])("top.txt")
    # As in Kestra, a pattern starting with '*' is matched against the rooted path.
    assert not path_matcher(["*.py"])("a.py")

"""The YAML reader: Jackson-like typing, positions, and hostile input refused in bounded time."""

import time

import pytest

from tiercel.model.source import MAX_BYTES, SourceError, decode, read_documents


def read_one(text: str):
    (doc,) = read_documents(text)
    return doc


def test_scalars_are_typed_like_jackson() -> None:
    doc = read_one(
        "a: 1\nb: yes\nc: 2024-01-01\nd: !!str 5\ne: '5'\nf: [1, 2.5, ~, true, 0x1F, 1e3]\n"
        "g: 1:20\nh: null\ni: False\nj: .inf\n"
    )
    assert doc.data["a"] == 1
    assert doc.data["b"] == "yes"
    assert doc.data["c"] == "2024-01-01"
    assert doc.data["d"] == "5"
    assert doc.data["e"] == "5"
    assert doc.data["f"] == [1, 2.5, None, True, 31, 1000.0]
    assert doc.data["g"] == "1:20"
    assert doc.data["h"] is None
    assert doc.data["i"] is False
    assert doc.data["j"] == float("inf")


def test_positions_point_at_keys_and_items() -> None:
    doc = read_one("id: x\ntasks:\n  - id: a\n    type: t\n  - id: b\n")
    assert doc.position(("id",)) == (1, 1)
    assert doc.position(("tasks",)) == (2, 1)
    assert doc.position(("tasks", 0)) == (3, 5)
    assert doc.position(("tasks", 0, "type")) == (4, 5)
    assert doc.position(("tasks", 1, "id")) == (5, 5)
    # A path that does not exist resolves to its nearest existing parent.
    assert doc.position(("tasks", 0, "missing")) == (3, 5)


def test_several_documents_and_their_lines() -> None:
    docs = read_documents("id: a\n---\nid: b\n---\n")
    assert [d.data["id"] for d in docs] == ["a", "b"]
    assert docs[1].line == 3


def test_duplicate_keys_are_reported_with_their_line() -> None:
    doc = read_one("data:\n  k: 1\n  k: 2\n")
    (issue,) = doc.issues
    assert issue.message == "Duplicate field 'k'"
    assert issue.path == ("data", "k")
    assert (issue.line, issue.column) == (3, 3)


def test_merge_keys_and_aliases() -> None:
    doc = read_one("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nsame: *b\n")
    assert doc.data["use"] == {"y": 3, "x": 1}
    assert doc.data["same"] == {"x": 1, "y": 2}
    assert doc.issues == []


def test_malformed_yaml_names_line_and_column() -> None:
    with pytest.raises(SourceError) as caught:
        read_documents("id: a\ntasks:\n  - id: [unclosed\n")
    assert caught.value.message.startswith("invalid YAML")
    assert caught.value.line >= 3


def test_unsupported_tag() -> None:
    with pytest.raises(SourceError, match="unsupported YAML tag '!python/object'"):
        read_documents("a: !python/object x\n")


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(SourceError, match="recursive YAML alias"):
        read_documents("a: &a [*a]\n")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 12)]
    start = time.perf_counter()
    with pytest.raises(SourceError, match="alias bomb"):
        read_documents("\n".join(lines))
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("depth", [300, 200_000])
def test_deep_flow_nesting_is_refused(depth: int) -> None:
    with pytest.raises(SourceError, match="nesting deeper than"):
        read_documents("a: " + "[" * depth + "]" * depth)


def test_deep_block_nesting_is_refused() -> None:
    text = "".join(f"{' ' * i}k{i}:\n" for i in range(400)) + " " * 400 + "v: 1\n"
    with pytest.raises(SourceError, match="nesting deeper than"):
        read_documents(text)


def test_binary_and_non_utf8_and_oversized() -> None:
    with pytest.raises(SourceError, match="binary file"):
        decode(b"\x7fELF\x00\x01\x02")
    with pytest.raises(SourceError, match="not UTF-8"):
        decode(b"id: caf\xe9\n")
    with pytest.raises(SourceError, match="MiB limit"):
        decode(b"#" * (MAX_BYTES + 1))
    assert decode("\ufeffid: a".encode()) == "id: a"


def test_empty_text_has_no_document() -> None:
    assert read_documents("") == []
    assert read_documents("# only a comment\n") == []

"""Running the ``storage`` tasks against a real local internal storage."""

from decimal import Decimal
from pathlib import Path

import pytest
from run_support import EARLIER, EXECUTION_ID, Harness

from tiercel.sdk import TaskFailure, ion

S = "io.kestra.plugin.core.storage."
TASK_PREFIX = f"kestra:///company/team/my-flow/executions/{EXECUTION_ID}/tasks/task/TR1/"


def lines(count: int) -> bytes:
    """Kestra's ``SplitTest`` content: numbers left-padded to 20 characters, one a line."""
    return "".join(f"{value:>20}\n" for value in range(count)).encode()


def test_write_stores_the_rendered_content(harness: Harness) -> None:
    ctx = harness.context(inputs={"who": "World"})
    out = harness.run(
        {"type": S + "Write", "content": "Hello {{ inputs.who }}", "extension": ".txt"}, ctx
    )
    assert out["uri"].startswith(TASK_PREFIX) and out["uri"].endswith(".txt")
    assert harness.read(out["uri"]) == b"Hello World"
    default = harness.run({"type": S + "Write", "content": "x"})
    assert default["uri"].endswith(".tmp")


def test_size_and_a_missing_file(harness: Harness) -> None:
    uri = harness.put("data.bin", b"12345")
    assert harness.run({"type": S + "Size", "uri": uri}) == {"size": 5}
    with pytest.raises(TaskFailure, match="Unable to find file"):
        harness.run({"type": S + "Size", "uri": EARLIER + "missing"})


def test_delete_tells_whether_the_file_existed(harness: Harness) -> None:
    uri = harness.put("data.bin", b"x")
    assert harness.run({"type": S + "Delete", "uri": uri}) == {"uri": uri, "deleted": True}
    assert not harness.storage.exists(uri)
    assert harness.run({"type": S + "Delete", "uri": uri}) == {"uri": uri, "deleted": False}
    with pytest.raises(TaskFailure, match="Unable to find file"):
        harness.run({"type": S + "Delete", "uri": uri, "errorOnMissing": True})


def test_concat_a_list_with_a_separator_after_each_file(harness: Harness) -> None:
    first, second = harness.put("1.txt", b"one"), harness.put("2.txt", b"two")
    ctx = harness.context(outputs={"a": {"uri": first}})
    out = harness.run(
        {"type": S + "Concat", "files": ["{{ outputs.a.uri }}", second], "separator": "\n"}, ctx
    )
    assert out["uri"].endswith(".tmp")
    assert harness.read(out["uri"]) == b"one\ntwo\n"


def test_concat_a_json_array_and_an_extension(harness: Harness) -> None:
    first, second = harness.put("1.txt", b"one"), harness.put("2.txt", b"two")
    ctx = harness.context(outputs={"echo": {"files": [first, second]}})
    out = harness.run(
        {"type": S + "Concat", "files": "{{ outputs.echo.files }}", "extension": ".csv"}, ctx
    )
    assert out["uri"].endswith(".csv")
    assert harness.read(out["uri"]) == b"onetwo"
    with pytest.raises(TaskFailure, match="JSON array"):
        harness.run({"type": S + "Concat", "files": "{{ 'not json' }}"})


def test_split_by_rows_keeps_the_extension_and_every_line(harness: Harness) -> None:
    uri = harness.put("get.yml", lines(1000))
    out = harness.run({"type": S + "Split", "from": uri, "rows": 10})
    assert len(out["uris"]) == 100
    assert all(part.endswith(".yml") for part in out["uris"])
    assert b"".join(harness.read(part) for part in out["uris"]) == lines(1000)


def test_split_by_bytes_as_kestras_test(harness: Harness) -> None:
    uri = harness.put("get.yml", lines(12288))
    out = harness.run({"type": S + "Split", "from": uri, "bytes": "1KB"})
    assert len(out["uris"]) == 251
    assert b"".join(harness.read(part) for part in out["uris"]) == lines(12288)


def test_split_by_partitions_deals_lines_round_robin(harness: Harness) -> None:
    uri = harness.put("get.yml", lines(1000))
    out = harness.run({"type": S + "Split", "from": uri, "partitions": 8})
    assert len(out["uris"]) == 8
    parts = [harness.read(part) for part in out["uris"]]
    assert sum(part.count(b"\n") for part in parts) == 1000
    assert parts[1].startswith(lines(2)[21:])
    few = harness.run(
        {"type": S + "Split", "from": harness.put("s.txt", b"a\nb\n"), "partitions": 3}
    )
    assert len(few["uris"]) == 2  # empty parts are dropped


def test_split_by_regex_routes_lines_by_their_first_group(harness: Harness) -> None:
    uri = harness.put("log.txt", b"ERROR a\nINFO b\r\nERROR c\nnoise\rINFO d")
    out = harness.run(
        {"type": S + "Split", "from": uri, "regexPattern": r"^(\w+) ", "separator": ";"}
    )
    assert [harness.read(part) for part in out["uris"]] == [b"ERROR a;ERROR c;", b"INFO b;INFO d;"]


def test_split_needs_a_way_to_split(harness: Harness) -> None:
    uri = harness.put("s.txt", b"a\n")
    with pytest.raises(TaskFailure, match="no size, count, rows, nor regexPattern"):
        harness.run({"type": S + "Split", "from": uri})
    with pytest.raises(TaskFailure, match="Invalid size with value 'lots'"):
        harness.run({"type": S + "Split", "from": uri, "bytes": "lots"})


def test_reverse_writes_the_last_line_first(harness: Harness) -> None:
    uri = harness.put("get.yml", b"1\n2\n3\n")
    out = harness.run({"type": S + "Reverse", "from": uri})
    assert out["uri"].endswith(".yml")
    assert harness.read(out["uri"]) == b"3\n2\n1\n"
    latin = harness.put("l.txt", "é\r\nà".encode("latin-1"))
    out = harness.run(
        {"type": S + "Reverse", "from": latin, "charset": "ISO-8859-1", "separator": "|"}
    )
    assert harness.read(out["uri"]) == "à|é|".encode("latin-1")
    with pytest.raises(TaskFailure, match="Unsupported charset"):
        harness.run({"type": S + "Reverse", "from": uri, "charset": "NOPE-1"})


def key_values(*pairs: tuple[str, object]) -> bytes:
    """Kestra's ``FilterItemsTest`` file: one ``{key, value}`` struct a line."""
    return "".join(ion.dumps({"key": k, "value": v}) + "\n" for k, v in pairs).encode()


VALID = key_values(("k1", 1), ("k2", 2), ("k3", 3), ("k4", 4))
INVALID = key_values(("k1", 1), ("k2", "dummy"), ("k3", 3), ("k4", 4))


def items(harness: Harness, uri: str) -> list[object]:
    return [ion.loads(line) for line in harness.read(uri).decode().splitlines()]


@pytest.mark.parametrize(
    ("filter_type", "kept"), [("INCLUDE", ["k2", "k4"]), ("EXCLUDE", ["k1", "k3"])]
)
def test_filter_items_includes_or_excludes_matches(
    harness: Harness, filter_type: str, kept: list[str]
) -> None:
    out = harness.run(
        {
            "type": S + "FilterItems",
            "from": harness.put("kv.ion", VALID),
            "filterCondition": " {{ value % 2 == 0 }} ",
            "filterType": filter_type,
        }
    )
    assert (out["processedItemsTotal"], out["droppedItemsTotal"]) == (4, 2)
    assert [item["key"] for item in items(harness, out["uri"])] == kept  # type: ignore[index]


@pytest.mark.parametrize(("behavior", "kept"), [("INCLUDE", ["k2", "k4"]), ("EXCLUDE", ["k4"])])
def test_filter_items_on_an_item_the_condition_cannot_read(
    harness: Harness, behavior: str, kept: list[str]
) -> None:
    out = harness.run(
        {
            "type": S + "FilterItems",
            "from": harness.put("kv.ion", INVALID),
            "filterCondition": "{{ value % 2 == 0 }}",
            "errorOrNullBehavior": behavior,
        }
    )
    assert out["processedItemsTotal"] == 4
    assert [item["key"] for item in items(harness, out["uri"])] == kept  # type: ignore[index]


def test_filter_items_fails_on_an_error_by_default(harness: Harness) -> None:
    data = {"type": S + "FilterItems", "from": harness.put("kv.ion", INVALID)}
    with pytest.raises(TaskFailure, match=r"failed on item `\{key:\"k2\""):
        harness.run({**data, "filterCondition": "{{ value % 2 == 0 }}"})
    with pytest.raises(TaskFailure, match="Line 1 is not an Ion struct"):
        harness.run(
            {
                "type": S + "FilterItems",
                "from": harness.put("n.ion", b"1\n"),
                "filterCondition": "x",
            }
        )


def test_filter_items_keeps_every_item_for_a_truthy_non_boolean(harness: Harness) -> None:
    uri = harness.put("kv.ion", VALID)
    out = harness.run({"type": S + "FilterItems", "from": uri, "filterCondition": "{{ value }}"})
    assert out["droppedItemsTotal"] == 0
    assert harness.read(out["uri"]) == VALID


def test_filter_items_sees_fields_that_shadow_run_variables_and_quotes(harness: Harness) -> None:
    rows = [{"flow": "it's", "n": 1}, {"flow": 'say "hi" \\o/', "n": 2}, {"odd-name": 1, "n": 3}]
    uri = harness.put("rows.ion", "".join(ion.dumps(row) + "\n" for row in rows).encode())
    out = harness.run(
        {
            "type": S + "FilterItems",
            "from": uri,
            "filterCondition": '{{ n < 3 and flow != "it\'s" }}',
        }
    )
    assert items(harness, out["uri"]) == [rows[1]]


def test_deduplicate_items_keeps_the_last_item_of_each_key(harness: Harness) -> None:
    rows = [
        {"id": 1, "v": "a"},
        {"id": 2, "v": "b"},
        {"id": 1, "v": "c"},
        {"id": 3, "v": "d"},
        {"id": 2, "v": "e"},
    ]
    uri = harness.put("rows.ion", "".join(ion.dumps(row) + "\n" for row in rows).encode())
    out = harness.run({"type": S + "DeduplicateItems", "from": uri, "expr": "{{ id }}"})
    assert (out["numKeys"], out["processedItemsTotal"], out["droppedItemsTotal"]) == (3, 5, 2)
    assert [row["v"] for row in items(harness, out["uri"])] == ["c", "d", "e"]  # type: ignore[index]


def test_local_files_writes_inputs_and_uploads_matching_outputs(harness: Harness) -> None:
    source = harness.put("address.json", b'{"street": "main"}')
    ctx = harness.context(outputs={"t": {"uri": source}})
    out = harness.run(
        {
            "type": S + "LocalFiles",
            "inputs": {
                "hello.txt": "Hello {{ flow.id }}\n",
                "sub/dir/address.json": "{{ outputs.t.uri }}",
                "other/address.json": "{}",
            },
            "outputs": ["hello.txt", "**/address.json", "*.csv"],
        },
        ctx,
    )
    work = ctx.working_dir()
    assert (work / "hello.txt").read_text() == "Hello my_flow\n"
    assert (work / "sub" / "dir" / "address.json").read_bytes() == b'{"street": "main"}'
    uris = out["uris"]
    assert sorted(uris) == ["hello.txt", "other/address.json", "sub/dir/address.json"]
    assert harness.read(uris["sub/dir/address.json"]) == b'{"street": "main"}'
    assert harness.read(uris["other/address.json"]) == b"{}"
    assert uris["other/address.json"] != uris["sub/dir/address.json"]


def test_local_files_globs_stay_in_their_folder(harness: Harness) -> None:
    ctx = harness.context()
    for name in ("a.txt", "d/b.txt", "d/e/c.txt", "x.csv"):
        path = Path(ctx.working_dir(), name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)

    def matched(*globs: str) -> list[str]:
        return sorted(harness.run({"type": S + "LocalFiles", "outputs": list(globs)}, ctx)["uris"])

    assert matched("*.txt") == ["a.txt"]
    assert matched("d/*") == ["d/b.txt"]
    assert matched("d/**") == ["d/b.txt", "d/e/c.txt"]
    assert matched("{a,x}.*") == ["a.txt", "x.csv"]
    assert matched("?.[!t]*") == ["x.csv"]
    assert matched(r"regex:d/.*\.txt") == ["d/b.txt", "d/e/c.txt"]
    assert harness.run({"type": S + "LocalFiles"}, ctx) == {"uris": {}}


def test_local_files_refuses_a_path_out_of_the_working_directory(harness: Harness) -> None:
    with pytest.raises(TaskFailure, match="must be a relative path inside"):
        harness.run({"type": S + "LocalFiles", "inputs": {"../escape.txt": "x"}})


def test_local_files_inputs_as_a_json_object(harness: Harness) -> None:
    ctx = harness.context(inputs={"files": {"a.txt": "A"}})
    harness.run({"type": S + "LocalFiles", "inputs": "{{ inputs.files }}"}, ctx)
    assert (ctx.working_dir() / "a.txt").read_text() == "A"


def test_purge_deletes_the_execution_files_its_variables_name(harness: Harness) -> None:
    output_file = harness.put("out.csv", b"x")
    input_file = harness.storage.put(
        f"kestra:///company/team/my-flow/executions/{EXECUTION_ID}/inputs/file/in.txt", b"i"
    )
    elsewhere = harness.storage.put("kestra:///company/team/my-flow/executions/OTHER/x.txt", b"o")
    ctx = harness.context(
        inputs={"file": input_file},
        outputs={"dl": {"uri": output_file, "other": elsewhere, "gone": EARLIER + "gone.txt"}},
    )
    out = harness.run({"type": S + "PurgeCurrentExecutionFiles"}, ctx)
    assert out == {"uris": sorted([input_file, output_file])}
    assert not harness.storage.exists(output_file)
    assert not harness.storage.exists(input_file)
    assert harness.storage.exists(elsewhere)


def test_ion_reads_what_kestra_writes() -> None:
    line = (
        '{key:"k1",value:1,d:1.50,f:2.5e0,ok:true,n:null,t:null.string,s:sym,'
        "'q name':'x',ts:2024-01-31T10:00:00Z,l:[1,-0x1f,{a:\"\\u00e9\\n\"}],"
        "ann:x::(a b),long:'''ab''' '''cd'''}"
    )
    assert ion.loads(line) == {
        "key": "k1",
        "value": 1,
        "d": Decimal("1.50"),
        "f": 2.5,
        "ok": True,
        "n": None,
        "t": None,
        "s": "sym",
        "q name": "x",
        "ts": "2024-01-31T10:00:00Z",
        "l": [1, -31, {"a": "é\n"}],
        "ann": ["a", "b"],
        "long": "abcd",
    }


def test_ion_round_trips_on_one_line() -> None:
    value = {"a": [1, 2.5, None, True], "quoted name": 'x"\n\\', "null": Decimal("1E+3")}
    text = ion.dumps(value)
    assert "\n" not in text
    assert text == '{a:[1,2.5e0,null,true],"quoted name":"x\\"\\n\\\\","null":1d+3}'
    assert ion.loads(text) == value


def test_ion_reads_and_writes_blobs() -> None:
    assert ion.loads("{{ aGVs bG8= }}") == b"hello"
    assert ion.dumps({"b": b"\x00\xff"}) == "{b:{{AP8=}}}"


@pytest.mark.parametrize(
    "bad", ["", "{a:1} {b:2}", '{{ "a clob" }}', "{{ aGVsbG8 }}", "{a 1}", '"\\q"']
)
def test_ion_refuses_what_it_does_not_read(bad: str) -> None:
    with pytest.raises(ion.IonError):
        ion.loads(bad)

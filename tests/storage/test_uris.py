"""Kestra's URI layout, built and parsed by pure functions."""

import pytest

from tiercel.storage import (
    InvalidPathError,
    execution_id_of,
    execution_uri,
    flow_uri,
    input_file_uri,
    namespace_file_uri,
    namespace_files_uri,
    namespace_path,
    normalize_uri,
    slugify,
    task_file_uri,
    task_run_uri,
)
from tiercel.storage.uris import segments_to_uri, split_path, uri_to_segments


def test_task_file_layout() -> None:
    uri = task_file_uri("company.team", "my_flow", "4Xy", "download_csv", "7aB", "out.csv")
    assert uri == "kestra:///company/team/my-flow/executions/4Xy/tasks/download-csv/7aB/out.csv"


def test_prefixes() -> None:
    assert flow_uri("a.b", "F") == "kestra:///a/b/f/"
    assert execution_uri("a.b", "f", "E1") == "kestra:///a/b/f/executions/E1/"
    assert task_run_uri("a.b", "f", "E1", "t", "R1") == "kestra:///a/b/f/executions/E1/tasks/t/R1/"


def test_input_file_layout() -> None:
    uri = input_file_uri("company.team", "flow", "E1", "my_file", "data.csv")
    # Kestra slugifies flow and task ids, not input ids.
    assert uri == "kestra:///company/team/flow/executions/E1/inputs/my_file/data.csv"


def test_namespace_files_layout() -> None:
    assert namespace_files_uri("company.team") == "kestra:///company/team/_files/"
    assert namespace_file_uri("company.team", "/scripts/etl.py") == (
        "kestra:///company/team/_files/scripts/etl.py"
    )
    assert namespace_file_uri("company", "a/b c.txt") == "kestra:///company/_files/a/b%20c.txt"


def test_namespace_path() -> None:
    assert namespace_path("company.team.sub") == "company/team/sub"
    assert namespace_path("io_kestra-1") == "io_kestra-1"


@pytest.mark.parametrize("namespace", ["", "Company", "a/b", "a..b", ".a", "a.", "../x", "a b"])
def test_refuses_bad_namespaces(namespace: str) -> None:
    with pytest.raises(InvalidPathError, match="namespace"):
        namespace_path(namespace)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("my_flow", "my-flow"),
        ("My Flow", "my-flow"),
        ("already-slug", "already-slug"),
        ("__edge__", "edge"),
        ("a.b", "ab"),
        ("Déjà Vu", "deja-vu"),
        ("a  -_ b", "a-b"),
        ("Task1", "task1"),
    ],
)
def test_slugify_as_kestra(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(
    ("flow_id", "task_id", "execution_id", "task_run_id", "file_name"),
    [
        ("___", "t", "e", "r", "f"),
        ("f", "t", "a/b", "r", "f"),
        ("f", "t", "e", "..", "f"),
        ("f", "t", "e", "r", ".."),
        ("f", "t", "e", "r", "a/b"),
        ("f", "t", "e", "r", ""),
        ("f", "t", "e", "r", "a\x00"),
    ],
)
def test_builders_refuse_ids_that_are_not_one_segment(
    flow_id: str, task_id: str, execution_id: str, task_run_id: str, file_name: str
) -> None:
    with pytest.raises(InvalidPathError):
        task_file_uri("ns", flow_id, execution_id, task_id, task_run_id, file_name)


def test_names_are_percent_encoded_and_decoded() -> None:
    uri = task_file_uri("ns", "f", "e", "t", "r", "my file #1?.txt")
    assert uri.endswith("/my%20file%20%231%3F.txt")
    assert uri_to_segments(uri)[-1] == "my file #1?.txt"
    assert segments_to_uri(uri_to_segments(uri)) == uri


def test_parsing_normalises() -> None:
    assert uri_to_segments("kestra:///") == ()
    assert uri_to_segments("Kestra:////a//./b/") == ("a", "b")
    assert normalize_uri("kestra:///a/./b//c") == "kestra:///a/b/c"


@pytest.mark.parametrize(
    "uri",
    [
        "kestra:///a/../b",
        "kestra:///%2E%2E/b",
        "kestra:///a%2Fb",
        "kestra:///a/%FF",
        "kestra:///a%00",
        "kestra://host/a",
        "kestra:a",
        "s3:///a",
        "/a/b",
        "kestra:///a?b",
    ],
)
def test_parsing_refuses(uri: str) -> None:
    with pytest.raises(InvalidPathError):
        uri_to_segments(uri)


def test_split_path() -> None:
    assert split_path("/a//./b/") == ("a", "b")
    assert split_path("") == ()
    with pytest.raises(InvalidPathError, match=r"'\.\.'"):
        split_path("a/../b")


def test_execution_id_of() -> None:
    uri = task_file_uri("company.team", "flow", "E1", "t", "r", "f.txt")
    assert execution_id_of(uri) == "E1"
    assert execution_id_of(namespace_file_uri("company", "x.txt")) is None

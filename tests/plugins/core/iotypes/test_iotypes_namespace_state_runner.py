"""The ``namespace``, ``state`` and ``runner`` plugins."""

import pytest
from iotypes_support import load, refused_at

from tiercel.model import load_flows
from tiercel.plugins.core.namespace.upload_files import Conflict
from tiercel.plugins.core.runner.process import Process
from tiercel.registry import default_registry

N = "io.kestra.plugin.core.namespace."
ST = "io.kestra.plugin.core.state."


def test_upload_files_with_a_map_from_kestras_0_21_example() -> None:
    task = load(
        {
            "id": "upload_and_rename",
            "type": N + "UploadFiles",
            "namespace": "dev",
            "files": {"/scripts/main.py": "{{ inputs.my_python_script }}"},
        }
    )
    assert task.files == {"/scripts/main.py": "{{ inputs.my_python_script }}"}
    assert (task.destination, task.conflict) == ("/", Conflict.OVERWRITE)


def test_upload_files_with_globs_or_a_files_map() -> None:
    globs = load(
        {
            "id": "u",
            "type": N + "UploadFiles",
            "namespace": "{{ flow.namespace }}",
            "files": ["glob:**/dbt/**"],
            "conflict": "SKIP",
        }
    )
    assert globs.conflict is Conflict.SKIP
    mapped = load(
        {
            "id": "u",
            "type": N + "UploadFiles",
            "namespace": "n",
            "filesMap": "{{ outputs.unzip.files }}",
        }
    )
    assert mapped.files_map == "{{ outputs.unzip.files }}"
    assert refused_at({"id": "u", "type": N + "UploadFiles", "files": ["a"]}, "namespace")
    assert refused_at(
        {"id": "u", "type": N + "UploadFiles", "namespace": "n", "conflict": "MERGE"}, "conflict"
    )


def test_download_files() -> None:
    task = load(
        {
            "id": "download",
            "type": N + "DownloadFiles",
            "namespace": "tutorial",
            "files": ["**input.txt"],
        }
    )
    assert task.files == ["**input.txt"]
    assert task.destination == ""
    assert load({"id": "d", "type": N + "DownloadFiles", "namespace": "t", "files": "**"}).files
    assert refused_at(
        {"id": "d", "type": N + "DownloadFiles", "namespace": "t", "files": []}, "files"
    )
    assert refused_at({"id": "d", "type": N + "DownloadFiles", "namespace": "t"}, "files")


def test_delete_files() -> None:
    task = load(
        {"id": "delete", "type": N + "DeleteFiles", "namespace": "tutorial", "files": ["**.upl"]}
    )
    assert task.delete_parent_folder is False
    assert refused_at({"id": "d", "type": N + "DeleteFiles", "namespace": "t"}, "files")


def test_state_set_as_in_the_corpus() -> None:
    task = load(
        {
            "id": "create",
            "type": ST + "Set",
            "name": "{{ inputs.state }}",
            "data": {"value": 1},
            "taskrunValue": False,
        }
    )
    assert task.data == {"value": 1}
    assert (task.name, task.namespace, task.taskrun_value) == ("{{ inputs.state }}", False, False)


def test_state_defaults_and_refusals() -> None:
    get = load({"id": "g", "type": "io.kestra.core.tasks.states.Get"})
    assert (get.name, get.namespace, get.taskrun_value, get.error_on_missing) == (
        "default",
        False,
        True,
        False,
    )
    assert load({"id": "d", "type": ST + "Delete", "errorOnMissing": True}).error_on_missing
    assert refused_at(
        {"id": "d", "type": ST + "Delete", "errorOnMissing": "maybe"}, "errorOnMissing"
    )
    assert refused_at({"id": "s", "type": ST + "Set", "data": ["a"]}, "data")
    assert refused_at({"id": "g", "type": ST + "Get", "data": {"a": 1}}, "data")


def test_the_invalid_duplicate_key_flow_fails_on_its_yaml_not_on_state_set() -> None:
    source = (
        "id: duplicate-key\nnamespace: io.kestra.tests\ntasks:\n  - id: bad-task\n"
        '    type: "io.kestra.plugin.core.state.Set"\n    data:\n'
        "      variables.tf: |\n        test\n    name: unit\n"
    )
    assert load_flows(source, "f.yaml", default_registry()).ok


@pytest.mark.parametrize(
    "name",
    [
        "io.kestra.plugin.core.runner.Process",
        "io.kestra.core.models.tasks.runners.types.ProcessTaskRunner",
    ],
)
def test_process_runner(name: str) -> None:
    runner = load({"type": name})
    assert isinstance(runner, Process)
    assert refused_at({"type": name, "image": "python"}, "image")

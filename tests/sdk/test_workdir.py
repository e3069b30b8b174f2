"""The shared working-directory helpers and property models, run with the SDK's test kit."""

from pathlib import Path

import pytest

from tiercel.sdk import FileExistBehavior, NamespaceFiles, TaskFailure
from tiercel.sdk.testing import TestRunContext
from tiercel.sdk.workdir import copy_namespace_files, write_input_files

FILES = {
    "company.team": {"/scripts/a.py": b"team a", "/readme.md": b"team readme"},
    "company": {"/scripts/a.py": b"parent a", "/scripts/b.py": b"parent b"},
}


def _spec(**properties: object) -> NamespaceFiles:
    return NamespaceFiles.model_validate(properties)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_flow_namespace_by_default_with_include_and_exclude(tmp_path: Path) -> None:
    ctx = TestRunContext(namespace_files=FILES, work_dir=tmp_path)
    copy_namespace_files(ctx, _spec(include=["scripts/**", "*.md"], exclude=["*.md"]), tmp_path)
    assert _tree(tmp_path) == {"scripts/a.py": b"team a"}


def test_later_namespaces_win_or_get_a_folder_each(tmp_path: Path) -> None:
    ctx = TestRunContext(namespace_files=FILES)
    copy_namespace_files(ctx, _spec(namespaces=["company.team", "company"]), tmp_path / "w")
    assert _tree(tmp_path / "w")["scripts/a.py"] == b"parent a"
    per = _spec(namespaces=["company", "company.team"], folderPerNamespace=True)
    copy_namespace_files(ctx, per, tmp_path / "p")
    assert set(_tree(tmp_path / "p")) == {
        "company/scripts/a.py",
        "company/scripts/b.py",
        "company.team/scripts/a.py",
        "company.team/readme.md",
    }


@pytest.mark.parametrize("behavior", list(FileExistBehavior))
def test_if_exists(behavior: FileExistBehavior, tmp_path: Path) -> None:
    ctx = TestRunContext(namespace_files=FILES)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "a.py").write_bytes(b"local")
    spec = _spec(ifExists=behavior.value, include=["scripts/a.py"])
    if behavior is FileExistBehavior.FAIL:
        with pytest.raises(TaskFailure, match="already exists"):
            copy_namespace_files(ctx, spec, tmp_path)
        return
    copy_namespace_files(ctx, spec, tmp_path)
    expected = b"team a" if behavior is FileExistBehavior.OVERWRITE else b"local"
    assert (tmp_path / "scripts" / "a.py").read_bytes() == expected
    assert bool(ctx.logger.lines) is (behavior is FileExistBehavior.WARN)


def test_disabled_copies_nothing(tmp_path: Path) -> None:
    ctx = TestRunContext(namespace_files=FILES)
    assert copy_namespace_files(ctx, _spec(enabled="{{ 1 > 2 }}"), tmp_path) == []


def test_input_files_from_a_map_json_and_stored_files(tmp_path: Path) -> None:
    stored = "kestra:///company/team/earlier/data.csv"
    ctx = TestRunContext(files={stored: b"x,y"}, inputs={"n": "7"})
    given = {"main.py": "print({{ inputs.n }})", "data.csv": stored, "skip": None}
    write_input_files(ctx, given, tmp_path / "a")
    assert _tree(tmp_path / "a") == {"main.py": b"print(7)", "data.csv": b"x,y"}
    write_input_files(ctx, '{"sub/f.txt": "{{ inputs.n }}"}', tmp_path / "b")
    assert _tree(tmp_path / "b") == {"sub/f.txt": b"7"}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"../escape": "x"}, "outside the working directory"),
        ({"/etc/passwd": "x"}, "outside the working directory"),
        ("not json", "must be a map"),
        ("[1, 2]", "must be a map"),
    ],
)
def test_bad_input_files_fail_with_one_line(given: object, message: str, tmp_path: Path) -> None:
    with pytest.raises(TaskFailure, match=message):
        write_input_files(TestRunContext(), given, tmp_path)  # type: ignore[arg-type]

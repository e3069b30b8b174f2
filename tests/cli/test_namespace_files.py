"""``tiercel namespace files`` and ``flow test --namespace-files``: real files, the real CLI."""

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tiercel.cli.main import cli
from tiercel.cli.namespace import remote_path
from tiercel.storage import InvalidPathError


def files(*args: str, data: Path) -> Result:
    return CliRunner().invoke(cli, ["namespace", "files", *args, "--data-dir", str(data)])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "scripts" / "lib").mkdir(parents=True)
    (root / "scripts" / "preprocess.py").write_text("print('hi')\n")
    (root / "scripts" / "lib" / "data.bin").write_bytes(bytes(range(256)))
    (root / "README.md").write_text("# project\n")
    return root


def test_upload_a_tree_then_list_it(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = files("upload", "company.team", str(project), data=data)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "uploaded /README.md",
        "uploaded /scripts/lib/data.bin",
        "uploaded /scripts/preprocess.py",
    ]
    listed = files("list", "company.team", data=data)
    assert listed.exit_code == 0
    assert listed.stdout.splitlines() == [
        "/README.md",
        "/scripts/lib/data.bin",
        "/scripts/preprocess.py",
    ]
    under = files("list", "company.team", "/scripts/lib", data=data)
    assert under.stdout.splitlines() == ["/scripts/lib/data.bin"]
    assert files("list", "other.team", data=data).stdout == ""


def test_upload_under_a_remote_dir(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = files("upload", "company.team", str(project / "scripts"), "/code/py", data=data)
    assert result.exit_code == 0, result.output
    assert files("list", "company.team", data=data).stdout.splitlines() == [
        "/code/py/lib/data.bin",
        "/code/py/preprocess.py",
    ]


def test_kestraignore_leaves_files_out(project: Path, tmp_path: Path) -> None:
    (project / ".kestraignore").write_text("# build output\n*.bin\nREADME.md\n")
    (project / "scripts" / "keep.bin").write_bytes(b"k")
    (project / ".tiercelignore").write_text("!keep.bin\n")
    data = tmp_path / "data"
    result = files("upload", "company.team", str(project), data=data)
    assert result.exit_code == 0, result.output
    assert files("list", "company.team", data=data).stdout.splitlines() == [
        "/scripts/keep.bin",
        "/scripts/preprocess.py",
    ]


def test_download_a_directory_and_a_file_back(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    files("upload", "company.team", str(project), data=data)
    out = tmp_path / "out"
    result = files("download", "company.team", "scripts", str(out), data=data)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    assert (out / "lib" / "data.bin").read_bytes() == bytes(range(256))
    assert (out / "preprocess.py").read_bytes() == (project / "scripts/preprocess.py").read_bytes()
    single = tmp_path / "single"
    result = files("download", "company.team", "/scripts/lib/data.bin", str(single), data=data)
    assert result.exit_code == 0, result.output
    assert [p.name for p in single.iterdir()] == ["data.bin"]
    everything = tmp_path / "all"
    assert files("download", "company.team", "/", str(everything), data=data).exit_code == 0
    assert sorted(p.relative_to(everything).as_posix() for p in everything.rglob("*.*")) == [
        "README.md",
        "scripts/lib/data.bin",
        "scripts/preprocess.py",
    ]


def test_delete_a_file_and_a_directory(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    files("upload", "company.team", str(project), data=data)
    result = files("delete", "company.team", "README.md", data=data)
    assert result.exit_code == 0
    assert result.stdout == "deleted /README.md\n"
    result = files("delete", "company.team", "/scripts", data=data)
    assert result.stdout.splitlines() == [
        "deleted /scripts/lib/data.bin",
        "deleted /scripts/preprocess.py",
    ]
    assert files("list", "company.team", data=data).stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ("list", "company.team", "../x"),
        ("delete", "company.team", "scripts/../../x"),
        ("download", "company.team", "..", "OUT"),
        ("upload", "company.team", "PROJECT", "../escape"),
        ("upload", "company.team", "PROJECT", "a\\..\\b"),
    ],
)
def test_path_traversal_is_refused(project: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    real = [str(project) if a == "PROJECT" else str(tmp_path / "o") if a == "OUT" else a
            for a in args]  # fmt: skip
    result = files(*real, data=tmp_path / "data")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = result.stderr.splitlines()
    assert "namespace path" in line and "not allowed" in line
    assert not (tmp_path / "escape").exists() and not (tmp_path / "o").exists()


def test_bad_input_gets_one_line_naming_it(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    missing = tmp_path / "nowhere"
    result = files("upload", "company.team", str(missing), data=data)
    assert result.exit_code == 1
    assert result.stderr == f"{missing}: no such directory\n"
    result = files("download", "company.team", "scripts/nope.py", str(tmp_path / "o"), data=data)
    assert result.exit_code == 1
    assert result.stderr == "no namespace file or directory '/scripts/nope.py' in namespace " \
                            "'company.team'\n"  # fmt: skip
    result = files("delete", "company.team", "nope", data=data)
    assert result.exit_code == 1
    assert "'/nope'" in result.stderr
    result = files("delete", "company.team", "/", data=data)
    assert result.exit_code == 1
    assert "refusing to delete the whole namespace" in result.stderr
    result = files("upload", "Not A Namespace", str(project), data=data)
    assert result.exit_code == 1
    assert result.stderr.startswith("invalid namespace 'Not A Namespace'")


def test_remote_paths_are_relative_to_the_namespace_root() -> None:
    assert remote_path("/") == ""
    assert remote_path("/scripts//./etl.py") == "scripts/etl.py"
    with pytest.raises(InvalidPathError):
        remote_path("a/../../b")


def test_flow_test_uploads_namespace_files_first(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    (project / "scripts" / "hello.txt").write_text("Hello from a namespace file")
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        "id: reader\nnamespace: company.team\ntasks:\n"
        "  - id: say\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ read('scripts/hello.txt') }}\"\n"
    )
    data = tmp_path / "data"
    result = CliRunner().invoke(
        cli,
        ["flow", "test", str(flow), "--namespace-files", str(project), "--data-dir", str(data)],
    )
    assert result.exit_code == 0, result.output
    assert "Hello from a namespace file" in result.stdout
    assert "SUCCESS" in result.stdout
    assert "1 namespace files" in result.stderr
    listed = files("list", "company.team", data=data)
    assert listed.stdout == "/scripts/hello.txt\n"


def test_flow_test_without_namespace_files_cannot_read_them(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        "id: reader\nnamespace: company.team\ntasks:\n"
        "  - id: say\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ read('scripts/hello.txt') }}\"\n"
    )
    result = CliRunner().invoke(cli, ["flow", "test", str(flow), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "FAILED" in result.stdout

"""The parts of the dbt tasks that need no dbt: which packages a task installs, the options
added to its commands, and how dbt's JSON logs and results files become log lines."""

import json
from pathlib import Path

import pytest

from tiercel.plugins.dbt.cli.dbt_cli import LogFormat, _dbt_options
from tiercel.plugins.dbt.environment import (
    DBT_CORE,
    adapter_packages,
    dbt_requirements,
    profile_types,
    project_directory,
)
from tiercel.plugins.dbt.log_consumer import DbtLogConsumer
from tiercel.plugins.dbt.results import ManifestStore, collect_results, load_manifest
from tiercel.sdk import LogLevel, TaskFailure
from tiercel.sdk.testing import TestRunContext

PROFILES = """
shop:
  target: dev
  outputs:
    dev: {type: duckdb, path: shop.duckdb}
    prod: {type: postgres, host: db, user: u, password: p, dbname: d, schema: s}
config:
  send_anonymous_usage_stats: false
"""


def test_profile_types_are_read_from_every_output() -> None:
    assert profile_types(PROFILES) == ["duckdb", "postgres"]
    assert profile_types("not: [valid") == []
    assert profile_types("- a list") == []
    assert profile_types(None) == []


def test_the_image_and_the_profiles_name_the_adapters() -> None:
    assert adapter_packages("ghcr.io/kestra-io/dbt-duckdb:latest", []) == ["dbt-duckdb"]
    assert adapter_packages("ghcr.io/kestra-io/dbt", ["athena"]) == ["dbt-athena-community"]
    assert adapter_packages("ghcr.io/kestra-io/dbt-fusion", []) == []
    assert adapter_packages(None, ["duckdb", "duckdb"]) == ["dbt-duckdb"]


def test_a_pinned_requirement_wins_over_what_is_inferred() -> None:
    assert dbt_requirements([], "python:3.11-slim", [PROFILES]) == [
        "dbt-duckdb",
        "dbt-postgres",
        DBT_CORE,
    ]
    pinned = dbt_requirements(["dbt-duckdb==1.9.0", "dbt_core==1.9.1"], None, [PROFILES])
    assert pinned == ["dbt-duckdb==1.9.0", "dbt_core==1.9.1", "dbt-postgres"]


def test_dbt_commands_get_kestras_options_once() -> None:
    assert _dbt_options("dbt build", "my project", LogFormat.JSON) == (
        "dbt build --project-dir 'my project' --log-format json --log-path logs"
    )
    assert _dbt_options("dbt run --log-format text", None, LogFormat.JSON) == (
        "dbt run --log-format text --log-path logs"
    )
    assert _dbt_options("dbt deps", None, LogFormat.NONE) == "dbt deps --log-path logs"
    assert _dbt_options("echo dbt", "p", LogFormat.JSON) == "echo dbt"


def test_the_project_directory_stays_in_the_working_directory(tmp_path: Path) -> None:
    assert project_directory(tmp_path, None) == tmp_path
    assert project_directory(tmp_path, ".") == tmp_path
    assert project_directory(tmp_path, "dbt") == tmp_path.resolve() / "dbt"
    with pytest.raises(TaskFailure, match="outside the working directory"):
        project_directory(tmp_path, "../elsewhere")


def _event(level: str, msg: str, name: str = "LogModelResult", **data: object) -> str:
    info = {"level": level, "msg": msg, "name": name, "ts": "2026-01-01T00:00:00Z"}
    return json.dumps({"data": data, "info": {**info, "thread": "Thread-1", "code": "Q012"}})


def test_dbt_json_events_are_logged_at_their_level(tmp_path: Path) -> None:
    ctx = TestRunContext(work_dir=tmp_path)
    consumer = DbtLogConsumer(ctx)
    consumer.accept(_event("info", "1 of 2 OK created \x1b[32mOK\x1b[0m"), False)
    consumer.accept(_event("warn", "Deprecated"), False)
    consumer.accept(_event("error", "Boom"), False)
    consumer.accept(_event("info", "Done.", "StatsLine", stats={"pass": 3, "error": 1}), False)
    consumer.accept("plain text from a before command", True)
    consumer.accept('::{"outputs": {"n": 1}}::', False)
    lines = [(line.level, line.message) for line in ctx.logger.lines]
    prefix = "[Date: 2026-01-01T00:00:00Z] [Thread: Thread-1]"
    assert lines == [
        (LogLevel.INFO, f"{prefix} [Type: LogModelResult] 1 of 2 OK created OK"),
        (LogLevel.WARN, f"{prefix} [Type: LogModelResult] Deprecated"),
        (LogLevel.ERROR, f"{prefix} [Type: LogModelResult] Boom"),
        (LogLevel.INFO, f"{prefix} [Type: StatsLine] Done."),
        (LogLevel.INFO, "plain text from a before command"),
    ]
    assert consumer.warning_detected
    assert consumer.outputs == {"n": 1}
    assert {(m.name, m.value) for m in ctx.metrics} == {("pass", 3.0), ("error", 1.0)}


RUN_RESULTS = {
    "results": [
        {
            "unique_id": "model.shop.orders",
            "status": "success",
            "execution_time": 0.4213,
            "message": "OK",
            "adapter_response": {"_message": "OK", "rows_affected": 3},
        },
        {
            "unique_id": "test.shop.not_null_orders_id",
            "status": "fail",
            "execution_time": 0.1,
            "failures": 2,
            "message": "Got 2 results, configured to fail if != 0",
            "adapter_response": {"rows_affected": 1},
        },
        {"unique_id": "model.shop.skipped", "status": "skipped", "message": None},
    ]
}


def test_results_are_stored_and_logged_one_line_per_node(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "run_results.json").write_text(json.dumps(RUN_RESULTS))
    (target / "manifest.json").write_text('{"nodes": {}}')
    ctx = TestRunContext(work_dir=tmp_path)
    files: dict[str, str] = {}
    store = ManifestStore("company.team", "manifest.json")
    collect_results(ctx, tmp_path, files, parse_run_results=True, store_manifest=store)
    assert set(files) == {"manifest.json", "run_results.json"}
    assert json.loads(ctx.files.read_bytes(files["run_results.json"])) == RUN_RESULTS
    assert ctx.kv_values["company.team"]["manifest.json"] == {"nodes": {}}
    nodes = [(line.level, line.message) for line in ctx.logger.lines if "=>" in line.message]
    assert nodes == [
        (LogLevel.INFO, "model.shop.orders => success in 0.42s"),
        (
            LogLevel.ERROR,
            "test.shop.not_null_orders_id => fail in 0.10s (2 failures): "
            "Got 2 results, configured to fail if != 0",
        ),
        (LogLevel.INFO, "model.shop.skipped => skipped"),
    ]
    assert [(m.name, m.value) for m in ctx.metrics] == [("rows.affected", 4.0)]


def test_results_are_not_parsed_when_asked_not_to(tmp_path: Path) -> None:
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "run_results.json").write_text("{not json")
    ctx = TestRunContext(work_dir=tmp_path)
    files: dict[str, str] = {}
    collect_results(ctx, tmp_path, files, parse_run_results=False, warn_missing_manifest=True)
    assert files == {}
    assert [line.level for line in ctx.logger.lines] == [LogLevel.WARN]
    collect_results(ctx, tmp_path, files, parse_run_results=True)
    assert "Unable to read dbt's run_results.json" in ctx.logger.lines[-1].message


def test_a_manifest_is_loaded_from_the_kv_store(tmp_path: Path) -> None:
    ctx = TestRunContext(work_dir=tmp_path, kv={"ns": {"m": {"nodes": {"a": 1}}}})
    assert load_manifest(ctx, tmp_path, "ns", "m")
    assert json.loads((tmp_path / "target" / "manifest.json").read_text()) == {"nodes": {"a": 1}}
    assert not load_manifest(ctx, tmp_path, "ns", "absent")
    assert "no manifest has been found" in ctx.logger.lines[-1].message

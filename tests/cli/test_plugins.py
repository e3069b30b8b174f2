"""``tiercel plugins list`` and ``tiercel plugins schema``."""

import json

from click.testing import CliRunner

from tiercel.cli.main import cli


def test_list_shows_types_kinds_and_aliases() -> None:
    result = CliRunner().invoke(cli, ["plugins", "list", "--aliases"])
    assert result.exit_code == 0
    line = next(
        row
        for row in result.stdout.splitlines()
        if row.startswith("io.kestra.plugin.core.log.Log ")
    )
    assert " task " in line
    assert "  alias io.kestra.core.tasks.log.Log" in result.stdout


def test_schema_is_json_with_the_flow_properties() -> None:
    result = CliRunner().invoke(cli, ["plugins", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert {"id", "namespace", "tasks", "triggers", "pluginDefaults"} <= set(schema["properties"])
    assert "AnyTask" in schema["definitions"]

"""``tiercel plugins list``, ``tiercel plugins schema`` and ``tiercel plugins doc``."""

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


def test_doc_prints_a_type_page_with_examples_and_outputs() -> None:
    result = CliRunner().invoke(cli, ["plugins", "doc", "io.kestra.core.tasks.storages.Size"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# io.kestra.plugin.core.storage.Size\n")
    assert "## Examples" in result.stdout and "```yaml\nid: check_size" in result.stdout
    assert "## Outputs\n\n- `size`: The file's size in bytes." in result.stdout


def test_doc_of_an_unknown_type_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["plugins", "doc", "io.kestra.plugin.core.log.Lgo"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: unknown plugin type 'io.kestra.plugin.core.log.Lgo' "
        "(did you mean io.kestra.plugin.core.log.Log?)"
    )

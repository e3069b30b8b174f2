"""The script tasks take Kestra's ``targetOS`` property, spelt as Kestra spells it."""

from textwrap import dedent

import pytest

from tiercel.model import load_flows
from tiercel.registry import default_registry

TYPES = [
    "io.kestra.plugin.scripts.shell.Commands",
    "io.kestra.plugin.scripts.shell.Script",
    "io.kestra.plugin.scripts.python.Commands",
    "io.kestra.plugin.scripts.python.Script",
    "io.kestra.plugin.scripts.node.Commands",
    "io.kestra.plugin.scripts.node.Script",
]


def problems(type_name: str, key: str) -> list[str]:
    body = "commands: [echo hi]" if type_name.endswith("Commands") else "script: echo hi"
    source = dedent(
        f"""\
        id: os
        namespace: company.team
        tasks:
          - id: run
            type: {type_name}
            {body}
            {key}: LINUX
        """
    )
    result = load_flows(source, "os.yaml", default_registry())
    return [f"{p.path}: {p.message}" for p in result.all_problems()]


@pytest.mark.parametrize("type_name", TYPES)
def test_target_os_is_kestras_name(type_name: str) -> None:
    assert problems(type_name, "targetOS") == []
    assert problems(type_name, "targetOs") == [
        "tasks[0].targetOs: Unrecognized field 'targetOs' — did you mean 'targetOS'?"
    ]

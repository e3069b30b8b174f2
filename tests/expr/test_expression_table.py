"""The expression table: Kestra's and Pebble's own cases, run through tiercel.expr.

Cases live in ``expressions.yaml``; each group cites the Kestra or Pebble test (or doc page) it
comes from.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tiercel.expr import Environment, ExpressionError, evaluate, render, render_typed

TABLE = Path(__file__).with_name("expressions.yaml")
HAS_JQ = importlib.util.find_spec("jq") is not None
MODES: dict[str, Callable[..., Any]] = {
    "render": render,
    "evaluate": evaluate,
    "typed": render_typed,
}


def _service(spec: Any) -> Callable[..., Any]:
    if isinstance(spec, Mapping):
        return lambda key, *args, **kwargs: spec[key]
    return lambda *args, **kwargs: spec


def _environment(spec: Mapping[str, Any] | None) -> Environment | None:
    if not spec:
        return None
    clock: Callable[[], dt.datetime] | None = None
    if "clock" in spec:
        moment = spec["clock"]
        clock = lambda: moment  # noqa: E731 - a fixed clock
    functions = {name: _service(value) for name, value in spec.get("functions", {}).items()}
    return Environment(functions=functions, clock=clock, time_zone=spec.get("time_zone", "UTC"))


def _cases() -> list[Any]:
    params = []
    for group in yaml.safe_load(TABLE.read_text(encoding="utf-8")):
        marks = []
        if group.get("requires") == "jq" and not HAS_JQ:
            marks.append(pytest.mark.skip(reason="the jq package is not installed"))
        for index, case in enumerate(group["cases"]):
            merged = {
                "context": group.get("context", {}),
                "env": group.get("env"),
                "source": group["source"],
                **case,
            }
            case_id = f"{group['group']}[{index}]"
            params.append(pytest.param(merged, id=case_id, marks=marks))
    return params


CASES = _cases()


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 230


@pytest.mark.parametrize("case", CASES)
def test_expression(case: dict[str, Any]) -> None:
    run = MODES[case.get("mode", "render")]
    env = _environment(case["env"])
    if "error" in case:
        with pytest.raises(ExpressionError) as raised:
            run(case["template"], case["context"], env=env)
        assert case["error"] in str(raised.value)
    else:
        assert run(case["template"], case["context"], env=env) == case["expected"]

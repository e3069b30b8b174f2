""" "Did you mean" compares a misspelt type name with every known one: a very long name is
not compared at all (difflib's cost grows with the square of its length)."""

import difflib

import pytest

from tiercel.model import PluginKind
from tiercel.registry import Registry
from tiercel.registry.catalog import MAX_SUGGESTED_LENGTH


class _Counting(difflib.SequenceMatcher):  # type: ignore[type-arg]
    calls = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        _Counting.calls += 1
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def test_a_60_kb_type_name_is_not_compared(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(difflib, "SequenceMatcher", _Counting)
    # Ends like a real type: compared, it would be "did you mean ...log.Log".
    name = "io.kestra.plugin.core.log." + "x" * 60_000 + ".Log"
    assert registry.suggest(PluginKind.TASK, name) is None
    assert _Counting.calls == 0
    typo = "io.kestra.plugin.core.log.Lgo"
    assert len(typo) <= MAX_SUGGESTED_LENGTH
    assert registry.suggest(PluginKind.TASK, typo) == "io.kestra.plugin.core.log.Log"
    assert _Counting.calls > 0

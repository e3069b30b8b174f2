"""Access to the Kestra compatibility corpus (``$TIERCEL_KESTRA_COMPAT``, by default
../shared/kestra-compat); importing this module skips the importing test module without it."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tests.conftest import require_kestra_compat

COMPAT = require_kestra_compat()
FLOWS = COMPAT / "flows"


@dataclass(frozen=True)
class Entry:
    """One file of the corpus and what Kestra's tests assert about it."""

    file: str
    namespace: str
    id: str
    valid: bool | None
    core_only: bool
    expect: dict[str, Any] | None
    types: tuple[str, ...] = ()

    @property
    def needs_test_plugins(self) -> bool:
        """Whether the flow uses one of Kestra's Java-only test types (triggers included)."""
        return not self.core_only or any(".test." in name for name in self.types)

    @property
    def path(self) -> Path:
        return FLOWS / self.file

    @property
    def name(self) -> str:
        return self.file.rsplit("/", 1)[-1]


@cache
def entries() -> tuple[Entry, ...]:
    """Every entry of catalog.json."""
    raw = json.loads((COMPAT / "catalog.json").read_text())
    return tuple(
        Entry(
            e["file"],
            e["namespace"],
            e["id"],
            e["valid"],
            e["core_only"],
            e["expect"],
            tuple(e["task_types"] + e["trigger_types"] + e["condition_types"]),
        )
        for e in raw
    )

"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

from tiercel.registry import Registry, default_registry

SHARED = Path(__file__).resolve().parents[2] / "shared"
COMPAT = SHARED / "kestra-compat"


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The registry of every installed plugin, as the CLI uses it."""
    return default_registry()

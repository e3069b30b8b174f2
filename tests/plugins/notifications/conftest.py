"""Fixtures for the notification tests: a recording HTTP server on loopback that stands in for
the vendors' SaaS endpoints (nothing of theirs can run here)."""

from collections.abc import Iterator

import pytest
from tests.plugins.core.run.run_support import Server, serve


@pytest.fixture
def server() -> Iterator[Server]:
    """A plain HTTP server on 127.0.0.1 that records every request (the vendor's stand-in)."""
    yield from serve(None)

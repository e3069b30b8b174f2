"""Fixtures for the tests that run tasks."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from run_support import Harness, Server, make_certificate, open_harness, serve


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    """A real run context's services on files under ``tmp_path``."""
    yield from open_harness(tmp_path)


@pytest.fixture
def server() -> Iterator[Server]:
    """A plain HTTP server on 127.0.0.1."""
    yield from serve(None)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[Server]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate."""
    yield from serve(make_certificate(tmp_path))

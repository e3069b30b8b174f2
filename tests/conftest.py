"""Fixtures shared by the whole suite."""

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from tiercel.registry import Registry, default_registry

COMPAT_ENV = "TIERCEL_KESTRA_COMPAT"
"""Where Kestra's compatibility corpus (``catalog.json`` and ``flows/``) is; the default is the
``shared/kestra-compat`` folder beside the repository."""

COMPAT = Path(
    os.environ.get(COMPAT_ENV) or Path(__file__).resolve().parents[2] / "shared" / "kestra-compat"
).resolve()


POSTGRES_ENV = "TIERCEL_TEST_POSTGRES"
"""A base URL (``postgresql+psycopg://user:pass@host:port/postgres``) to a running server for the
PostgreSQL tests; without it they start a throwaway cluster of their own."""

_DATABASE_NUMBERS = itertools.count(1)


def in_ci() -> bool:
    """Whether the suite runs under CI (``CI=true``), where nothing may be skipped for lack of
    a file that CI has."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def kestra_compat_present() -> bool:
    """Whether the Kestra compatibility corpus is where ``COMPAT`` says."""
    return (COMPAT / "catalog.json").is_file()


def _compat_missing() -> str:
    outcome = "cannot run under CI" if in_ci() else "skipped"
    return (
        f"Kestra corpus tests {outcome}: {COMPAT / 'catalog.json'} is missing "
        f"(set ${COMPAT_ENV} to a kestra-compat folder)"
    )


def require_kestra_compat() -> Path:
    """The corpus folder, for tests made of Kestra's own flows.

    Without the corpus the caller is skipped (a whole module when called at its top), naming
    the missing file; under CI, which has the corpus, its absence fails instead.
    """
    if kestra_compat_present():
        return COMPAT
    if in_ci():
        pytest.fail(_compat_missing(), pytrace=False)
    pytest.skip(_compat_missing(), allow_module_level=True)


@pytest.fixture
def kestra_compat() -> Path:
    """The Kestra corpus folder; see ``require_kestra_compat``."""
    return require_kestra_compat()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, loudly, that the corpus tests did not run."""
    if not kestra_compat_present():
        terminalreporter.write_line(_compat_missing(), red=True, bold=True)


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The registry of every installed plugin, as the CLI uses it."""
    return default_registry()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[URL]:
    """The URL of a PostgreSQL server for the whole session, with a superuser's rights.

    ``$TIERCEL_TEST_POSTGRES`` when set; otherwise a throwaway cluster started here (initdb and
    pg_ctl, as the ``postgres`` user when running as root) on a free loopback port, and stopped
    at the end of the session. Missing binaries or driver fail the tests that need it.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("the PostgreSQL tests need psycopg: pip install -e '.[dev]'", pytrace=False)
    base = os.environ.get(POSTGRES_ENV)
    if base:
        yield make_url(base).set(drivername="postgresql+psycopg")
        return
    with _throwaway_cluster() as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_admin(postgres_server: URL) -> Iterator[Engine]:
    """Connections to the server's maintenance database, to create and drop databases."""
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT", pool_size=1)
    yield admin
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_server: URL, _postgres_admin: Engine) -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"tiercel_test_{os.getpid()}_{next(_DATABASE_NUMBERS)}"
    with _postgres_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_server.set(database=name).render_as_string(hide_password=False)
    finally:
        with _postgres_admin.connect() as conn:
            # FORCE: a test that leaked a connection must not make the next one fail.
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _postgres_bindir() -> Path:
    """The directory holding initdb and pg_ctl: the newest Debian install, pg_config's or PATH's."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found:
            candidates.append(Path(found))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    pytest.fail(
        "the PostgreSQL tests need PostgreSQL's initdb and pg_ctl (looked in "
        "/usr/lib/postgresql/*/bin, `pg_config --bindir` and PATH): install PostgreSQL "
        f"(apt-get install postgresql) or point ${POSTGRES_ENV} at a running server",
        pytrace=False,
    )


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Cluster:
    """Runs PostgreSQL's tools as a user PostgreSQL accepts: ``postgres`` when we are root."""

    def __init__(self, bindir: Path, home: Path) -> None:
        self.bindir = bindir
        self.home = home
        self.data = home / "data"
        self.log = home / "postgres.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(home, "postgres", "postgres")

    def run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            runuser = shutil.which("runuser")
            if runuser:
                command = [runuser, "-u", "postgres", "--", *command]
            else:
                command = ["su", "postgres", "-c", subprocess.list2cmdline(command)]
        # cwd: the postgres user may not be allowed into the directory pytest runs in.
        done = subprocess.run(
            command, cwd=self.home, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            pytest.fail(
                f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}\n{log}",
                pytrace=False,
            )


@contextmanager
def _throwaway_cluster() -> Iterator[URL]:
    cluster = _Cluster(_postgres_bindir(), Path(tempfile.mkdtemp(prefix="tiercel-pg-")))
    started = False
    try:
        # An ICU collation, as production servers have (en_US), not C: queries that order
        # text must not depend on the server's collation.
        cluster.run(
            "initdb",
            *("-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
            *("--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US", "--no-sync"),
        )
        port = free_port()
        options = [
            f"-p {port}",
            f"-k {cluster.home}",
            "-c listen_addresses=127.0.0.1",
            # Durability is pointless in a cluster thrown away at the end of the session.
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200",
        ]
        cluster.run(
            "pg_ctl",
            *("-D", str(cluster.data), "-l", str(cluster.log), "-o", " ".join(options)),
            *("-w", "-t", "60", "start"),
        )
        started = True
        yield URL.create(
            "postgresql+psycopg",
            username="postgres",
            host="127.0.0.1",
            port=port,
            database="postgres",
        )
    finally:
        try:
            if started:
                cluster.run("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(cluster.home, ignore_errors=True)

"""The database servers the SQL plugin tests use: the suite's throwaway PostgreSQL cluster,
a MariaDB started here on a throwaway data directory, fakesnow for Snowflake."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from tests.conftest import free_port


@pytest.fixture
def pg_jdbc(postgres_url: str) -> Iterator[tuple[str, str]]:
    """A new PostgreSQL database: its JDBC URL for flows, and a libpq conninfo for checks."""
    url = make_url(postgres_url)
    jdbc = f"jdbc:postgresql://{url.host}:{url.port}/{url.database}"
    conninfo = f"host={url.host} port={url.port} dbname={url.database} user={url.username}"
    yield jdbc, conninfo


MARIADB_PASSWORD = "k3stra-Pa55"
"""The test user's password: no log line, output or error may show it."""


@pytest.fixture(scope="session")
def mariadb_port() -> Iterator[int]:
    """A MariaDB server on a throwaway data directory and a free loopback port, with a
    database ``kestra`` and a user ``kestra`` (password ``MARIADB_PASSWORD``); stopped at the
    end of the session. Debian's ``mariadb-server`` package provides the binaries."""
    import pymysql

    mariadbd = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
    install = shutil.which("mariadb-install-db")
    if install is None or not Path(mariadbd).exists():
        pytest.fail("the MySQL tests need MariaDB: apt-get install mariadb-server", pytrace=False)
    home = Path(tempfile.mkdtemp(prefix="tiercel-mariadb-"))
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(home, "mysql", "mysql")
    user = ["--user=mysql"] if as_root else []
    data = home / "data"
    socket = home / "mysqld.sock"
    done = subprocess.run(
        [install, "--no-defaults", *user, f"--datadir={data}", "--skip-test-db",
         "--auth-root-authentication-method=normal"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"mariadb-install-db failed: {done.stderr or done.stdout}", pytrace=False)
    port = free_port()
    server = subprocess.Popen(
        [mariadbd, "--no-defaults", *user, f"--datadir={data}", f"--port={port}",
         "--bind-address=127.0.0.1", f"--socket={socket}", f"--pid-file={home}/mysqld.pid",
         f"--log-error={home}/error.log", "--innodb-flush-log-at-trx-commit=0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        ping = [shutil.which("mariadb-admin") or "mariadb-admin", "--no-defaults",
                f"--socket={socket}", "--user=root", "ping"]  # fmt: skip
        # Pinged with the admin tool: a refused PyMySQL connection leaks its socket.
        while subprocess.run(ping, capture_output=True, check=False).returncode != 0:
            if time.monotonic() > deadline or server.poll() is not None:
                log = (home / "error.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"MariaDB did not start:\n{log}", pytrace=False)
            time.sleep(0.2)
        admin = pymysql.connect(unix_socket=str(socket), user="root", autocommit=True)
        with admin.cursor() as cursor:
            # install-db's anonymous users would shadow 'kestra'@'%' for loopback logins.
            cursor.execute("DELETE FROM mysql.global_priv WHERE User = ''")
            cursor.execute("FLUSH PRIVILEGES")
            cursor.execute("CREATE DATABASE kestra")
            for host in ("%", "localhost"):
                cursor.execute(f"CREATE USER 'kestra'@'{host}' IDENTIFIED BY '{MARIADB_PASSWORD}'")
                cursor.execute(f"GRANT ALL ON kestra.* TO 'kestra'@'{host}'")
        admin.close()
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def fakesnow_port() -> Iterator[int]:
    """A fakesnow server (a stand-in: Snowflake is a service that cannot run here) on a free
    loopback port; the connector talks HTTP to it as to Snowflake. Stopped at the end."""
    import socket as sockets

    executable = Path(sys.executable).parent / "fakesnow"
    if not executable.exists():
        pytest.fail("the Snowflake tests need fakesnow: pip install -e '.[dev]'", pytrace=False)
    port = free_port()
    server = subprocess.Popen(
        [str(executable), "-s", "-p", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                sockets.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("fakesnow did not start", pytrace=False)
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

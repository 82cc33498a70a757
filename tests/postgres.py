"""A throwaway PostgreSQL server for the database-route tests, and a helper that fills it.

``make postgres`` (run by ``make test``) installs Debian's ``postgresql``; without server
binaries the tests skip (and fail under CI). :func:`running_server` ``initdb``\\ s a new
cluster into a temporary folder, starts it on a free loopback port with its unix socket in
that folder, creates the database ``cskit`` and yields its SQLAlchemy URL; the server is
stopped (``pg_ctl stop -m fast``) and the folder removed however the tests end. Each pytest
worker starts its own (own folder, own port). ``initdb`` refuses to run as root, so as root
the server runs as the ``postgres`` system user (Debian's package creates it).

:func:`write_tables` writes ``{table: DataFrame}`` into a database (optionally a schema);
:func:`fresh_schema` gives each test an empty schema of its own on the same server
(:func:`fresh_database` a database), :func:`in_schema` points a URL at a schema.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd
import pytest

#: Superuser of the throwaway cluster (trust authentication, loopback only).
USER = "cskit"
#: The database the fixture creates.
DATABASE = "cskit"


def server_binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``: on PATH, else Debian's newest ``/usr/lib/postgresql/*/bin``."""
    found = [shutil.which(name) for name in ("initdb", "pg_ctl", "postgres")]
    if all(found):
        return Path(os.path.realpath(found[0])).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def binaries_or_skip() -> Path:
    """:func:`server_binaries`, or skip the test (fail under CI, where ``make test`` installs them)."""
    import importlib.util

    reason = None
    found = server_binaries()
    if importlib.util.find_spec("psycopg") is None:
        reason = "psycopg (the PostgreSQL driver) is not installed: pip install -e . installs psycopg[binary]"
    elif found is None:
        reason = "PostgreSQL server not installed: no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin (make postgres installs it)"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def free_port() -> int:
    """A loopback TCP port nobody listens on now (the OS picks it: bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One PostgreSQL cluster in ``root``; commands run as ``postgres`` when we are root."""

    def __init__(self, bindir: Path, root: Path):
        self.bindir, self.root = bindir, root
        self.data, self.log = root / "data", root / "server.log"
        self.as_postgres = os.geteuid() == 0
        self.port: int | None = None
        if self.as_postgres:
            owner = pwd.getpwnam("postgres")  # KeyError: no such user, reported by running_server
            os.chown(root, owner.pw_uid, owner.pw_gid)
        os.chmod(root, 0o700)

    def run(self, *command: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run one server binary (as ``postgres`` when root); raise with its output when it fails."""
        argv = [str(self.bindir / command[0]), *command[1:]]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command[:2])} failed ({done.returncode}): {done.stdout}{done.stderr}{log}")
        return done

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")

    def start(self, attempts: int = 3) -> None:
        """Start on a free port; another process may take the port first, so try a new one."""
        for attempt in range(attempts):
            self.port = free_port()
            options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                self.run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options)
                return
            except RuntimeError:
                if attempt == attempts - 1:
                    raise

    def stop(self) -> None:
        if self.port is not None and (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")

    def url(self, database: str = DATABASE, password: str | None = None) -> str:
        """``postgresql+psycopg://cskit[:password]@127.0.0.1:PORT/database`` (trust: any password is accepted)."""
        who = USER if password is None else f"{USER}:{password}"
        return f"postgresql+psycopg://{who}@127.0.0.1:{self.port}/{database}"


@contextmanager
def running_server() -> Iterator[Server]:
    """Start a new PostgreSQL cluster, yield it with database ``cskit`` created, stop it and remove its folder."""
    bindir = binaries_or_skip()
    root = Path(tempfile.mkdtemp(prefix="cskit-pg-"))
    server = None
    try:
        try:
            server = Server(bindir, root)
        except KeyError:
            pytest.skip("PostgreSQL server installed but no 'postgres' system user to run it as (initdb refuses root)")
        server.init()
        server.start()
        execute(server.url("postgres"), f'CREATE DATABASE "{DATABASE}"')
        yield server
    finally:
        try:
            if server is not None:
                server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


def execute(url: str, *statements: str) -> None:
    """Run statements outside a transaction (``CREATE DATABASE`` needs that)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(sqlalchemy.text(statement))
    finally:
        engine.dispose()


_created = iter(range(1_000_000))


def _unique(prefix: str) -> str:
    return f"{prefix}{os.getpid()}_{next(_created)}"


def in_schema(url: str, schema: str) -> str:
    """``url`` with its ``search_path`` set to ``schema`` (``?options=-csearch_path=crm``): unqualified names are found there."""
    import sqlalchemy

    return sqlalchemy.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def fresh_database(url: str) -> str:
    """A new empty database on the server of ``url``, and its URL (about 0.1 s; prefer :func:`fresh_schema`)."""
    import sqlalchemy

    name = _unique("db")
    execute(url, f'CREATE DATABASE "{name}"')
    return sqlalchemy.make_url(url).set(database=name).render_as_string(hide_password=False)


def fresh_schema(url: str) -> str:
    """A new empty schema in the database of ``url``, and a URL that reads and writes there (:func:`in_schema`).

    Cheaper than a database per test: nothing is copied, and the server's shutdown stays quick.
    """
    name = _unique("s")
    execute(url, f'CREATE SCHEMA "{name}"')
    return in_schema(url, name)


def write_tables(url: str, frames: dict[str, pd.DataFrame], schema: str | None = None) -> str:
    """Write each frame as the table of its name, into ``schema`` (created if needed) or where ``url`` points; return ``url``.

    Frames are written as they are: text frames become ``TEXT`` columns, typed frames
    PostgreSQL's types (``BIGINT``, ``DOUBLE PRECISION``, ``DATE``...); missing values become NULL.
    """
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as connection:
            if schema is not None:
                connection.execute(sqlalchemy.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            for name, frame in frames.items():
                frame.to_sql(name, connection, schema=schema, index=False, if_exists="replace")
    finally:
        engine.dispose()
    return url


def timed_start() -> float:
    """Seconds to start and stop one server (printed by ``python tests/postgres.py``)."""
    began = time.perf_counter()
    with running_server():
        started = time.perf_counter() - began
    return started


if __name__ == "__main__":  # pragma: no cover - a manual measurement
    print(f"throwaway PostgreSQL server up in {timed_start():.2f} s")

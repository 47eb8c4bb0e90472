"""Safe defaults: DEBUG only on this machine, var/ and its files private, error pages
that show no keys and no ciphertext."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import get_commands
from django.db import connection
from django.test import Client, RequestFactory
from django.views.debug import ExceptionReporter

from himoya.core.crypto import ROW_PREFIX, DecryptionError
from himoya.core.env import Env, is_loopback_host, private_dir
from tests.core.test_env import HIMOYA, ROOT, run
from tests.testapp.models import Secret

# Module level: the page shows the test's own locals and the lines around each frame.
DB_PASSWORD = "pg-pass-Zq7x"


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- var/ and the files in it ------------------------------------------------------------


def test_var_and_the_development_secrets_are_created_private(
    tmp_path: Path, loose_umask: None
) -> None:
    var = tmp_path / "deep" / "var"
    Env(environ={}, var_dir=var).secret("HIMOYA_DATA_KEYS")
    assert mode(var) == mode(var.parent) == 0o700
    assert mode(var / "dev-secrets.env") == 0o600


def test_an_existing_var_and_secrets_file_are_narrowed(tmp_path: Path, loose_umask: None) -> None:
    """Made by an earlier version (0755, 0644): others keep only traversal of var/, which
    the embedded PostgreSQL's own user needs to reach var/pg when run as root."""
    var = tmp_path / "var"
    var.mkdir(mode=0o777)
    var.chmod(0o757)
    Env(environ={}, var_dir=var).secret("HIMOYA_DATA_KEYS")
    (var / "dev-secrets.env").chmod(0o644)
    Env(environ={}, var_dir=var).secret("HIMOYA_DATA_KEYS")
    assert mode(var) == 0o711
    assert mode(var / "dev-secrets.env") == 0o600
    assert mode(private_dir(var)) == 0o711


def test_the_deploy_check_names_a_readable_media_folder(settings: Any, tmp_path: Path) -> None:
    from himoya.core.checks import check_private_folders

    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    private_dir(settings.MEDIA_ROOT)
    assert check_private_folders(None) == []
    settings.MEDIA_ROOT.chmod(0o755)
    assert [m.id for m in check_private_folders(None)] == ["himoya.W013"]


# -- DEBUG answers this machine only --------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("[::1]", True),
        ("::1", True),
        ("app.localhost", True),
        ("0.0.0.0", False),  # noqa: S104 (a host to classify, not a bind)
        ("::", False),
        ("*", False),
        (".example.org", False),
        ("192.168.1.20", False),
        ("", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"HIMOYA_ALLOWED_HOSTS": "localhost,himoya.example.org"}, "himoya.example.org"),
        ({"HIMOYA_ALLOWED_HOSTS": "*"}, "names *"),
        ({"HIMOYA_BEHIND_PROXY": "1"}, "HIMOYA_BEHIND_PROXY is on"),
    ],
)
def test_debug_refuses_to_start_for_other_machines(
    tmp_path: Path, extra: dict[str, str], named: str
) -> None:
    # HIMOYA_ENV unset: development, DEBUG on by default.
    result = run(["check"], extra, tmp_path)
    assert result.returncode != 0
    assert "DEBUG is on and" in result.stderr and named in result.stderr
    turned_off = run(["check"], {**extra, "HIMOYA_DEBUG": "0"}, tmp_path)
    assert turned_off.returncode == 0, turned_off.stderr


def test_runserver_refuses_a_public_address_with_debug(tmp_path: Path) -> None:
    assert get_commands()["runserver"] == "himoya.core"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "HIMOYA_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    try:
        result = subprocess.run(
            [HIMOYA, "runserver", "0.0.0.0:8765", "--noreload"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("runserver started serving on 0.0.0.0 with DEBUG on")
    assert result.returncode != 0
    assert "refusing to serve on 0.0.0.0" in result.stderr


@pytest.mark.django_db
def test_debug_pages_are_refused_to_other_machines(settings: Any) -> None:
    settings.DEBUG = True
    remote = Client(REMOTE_ADDR="192.0.2.7").get("/ru/no-such-page/")
    assert remote.status_code == 403
    assert b"URLconf" not in remote.content
    local = Client().get("/ru/no-such-page/")  # 127.0.0.1: the technical 404 page
    assert local.status_code == 404 and b"URLconf" in local.content
    settings.DEBUG = False
    assert Client(REMOTE_ADDR="192.0.2.7").get("/ru/no-such-page/").status_code == 404


# -- error pages ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_debug_page_shows_no_ciphertext_and_no_keys(settings: Any) -> None:
    secret = Secret.objects.create(name="Тестова Айгерим", story="история")
    with connection.cursor() as cursor:  # a value moved from another column
        cursor.execute("UPDATE testapp_secret SET name = story WHERE id = %s", [secret.pk])
        cursor.execute("SELECT name FROM testapp_secret WHERE id = %s", [secret.pk])
        (token,) = cursor.fetchone()
    # Never spelled out here: the page shows this test's own source lines.
    mark = f"{ROW_PREFIX}:"
    assert token.startswith(mark)
    request = RequestFactory().get("/staff/cases/")
    # runserver puts the process environment into every request's META
    request.META["HIMOYA_DATA_KEYS"] = settings.HIMOYA_DATA_KEYS
    request.META["DATABASE_URL"] = f"postgres://himoya:{DB_PASSWORD}@db/himoya"
    settings.DEBUG = True
    try:
        Secret.objects.get(pk=secret.pk).name  # noqa: B018
    except DecryptionError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
        text = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    else:
        pytest.fail("the moved value opened")
    data_key = settings.HIMOYA_DATA_KEYS.split(":", 1)[1]
    for page in (html, text):
        assert "does not authenticate" in page  # the report itself is still there
        assert mark not in page
        assert token.split(":")[2][:20] not in page
        assert data_key not in page and settings.HIMOYA_INDEX_KEY not in page
        assert settings.SECRET_KEY not in page
        assert DB_PASSWORD not in page

"""Configuration from the environment (himoya.core.env and config.settings), checked by
running the real ``himoya`` command in a clean environment."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from himoya.core.env import SECRET_NAMES, Env, MissingSecret, parse_database_url

HIMOYA = str(Path(sys.executable).with_name("himoya"))
ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_PG = "postgres://x@127.0.0.1:1/x"


def run(args: list[str], env: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    """Runs ``himoya`` with only the variables given (nothing inherited from this test
    process: no DATABASE_URL of the PostgreSQL half, no HIMOYA_ENV=test)."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # Where the code under test is (a worktree runs its own, not the installed one).
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
        "HOME": str(var_dir),
        "LANG": "C.UTF-8",
        "HIMOYA_VAR_DIR": str(var_dir),
        # This checkout, not whichever one the installed `himoya` command points to.
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [HIMOYA, *args], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def parse_exports(text: str) -> dict[str, str]:
    found = dict(re.findall(r"^export (HIMOYA_[A-Z_]+)='([^']*)'$", text, re.MULTILINE))
    assert set(found) == set(SECRET_NAMES), text
    return found


@pytest.fixture(scope="module")
def secrets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh set from ``himoya generate-keys``, run the way a new production server
    runs it: HIMOYA_ENV=production and no secrets yet."""
    var_dir = tmp_path_factory.mktemp("keys")
    result = run(["generate-keys"], {"HIMOYA_ENV": "production"}, var_dir)
    assert result.returncode == 0, result.stderr
    assert list(var_dir.iterdir()) == [], "generate-keys must not write anything"
    return parse_exports(result.stdout)


def production(secrets: dict[str, str], **extra: str) -> dict[str, str]:
    return {
        "HIMOYA_ENV": "production",
        "HIMOYA_ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": UNREACHABLE_PG,
        **secrets,
        **extra,
    }


def test_generated_keys_are_fresh_and_well_formed(secrets: dict[str, str], tmp_path: Path) -> None:
    from himoya.core.crypto import KeyRing, _index_key_for

    ring = KeyRing.parse(secrets["HIMOYA_DATA_KEYS"])
    assert len(ring.keys) == 1 and len(ring.keys[ring.primary_id]) == 32
    assert len(_index_key_for(secrets["HIMOYA_INDEX_KEY"])) == 32
    assert len(secrets["HIMOYA_SECRET_KEY"]) >= 50
    again = parse_exports(run(["generate-keys"], {}, tmp_path).stdout)
    for name in SECRET_NAMES:
        assert again[name] != secrets[name]


@pytest.mark.parametrize("missing", SECRET_NAMES)
def test_production_refuses_to_start_without_each_secret(
    secrets: dict[str, str], missing: str, tmp_path: Path
) -> None:
    env = production(secrets)
    del env[missing]
    result = run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert "himoya generate-keys" in result.stderr
    assert not (tmp_path / "dev-secrets.env").exists()


def test_production_treats_a_blank_secret_as_missing(
    secrets: dict[str, str], tmp_path: Path
) -> None:
    result = run(["check"], production(secrets, HIMOYA_DATA_KEYS="   "), tmp_path)
    assert result.returncode != 0
    assert "HIMOYA_DATA_KEYS is not set" in result.stderr


def test_production_with_everything_set_passes_the_deploy_checks(
    secrets: dict[str, str], tmp_path: Path
) -> None:
    result = run(["check", "--deploy", "--fail-level", "WARNING"], production(secrets), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# Each KeyRing.parse error is tested in test_crypto; here, that the command shows one.
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"HIMOYA_DATA_KEYS": "k1:@@not base64@@"}, "HIMOYA_DATA_KEYS: key 'k1' is not base64"),
        ({"HIMOYA_INDEX_KEY": "c2hvcnQ"}, "HIMOYA_INDEX_KEY must be at least 32 bytes"),
        ({"HIMOYA_ENV": "staging"}, "HIMOYA_ENV must be development, production or test"),
        ({"HIMOYA_SESSION_IDLE_MINUTES": "half an hour"}, "HIMOYA_SESSION_IDLE_MINUTES must be"),
        ({"DATABASE_URL": "mysql://x@127.0.0.1/x"}, "DATABASE_URL must start with postgres://"),
    ],
)
def test_malformed_configuration_is_named(
    secrets: dict[str, str], tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    result = run(["check"], production(secrets, **extra), tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("drop", "extra", "problem"),
    [
        ("HIMOYA_ALLOWED_HOSTS", {}, "security.W020"),
        # Refused at start-up already: DEBUG with a public host name (test_unsafe_defaults).
        (None, {"HIMOYA_DEBUG": "true"}, "DEBUG is on and HIMOYA_ALLOWED_HOSTS names example.org"),
        (
            None,
            {"HIMOYA_DEBUG": "true", "HIMOYA_ALLOWED_HOSTS": "localhost"},
            "HIMOYA_DEBUG must be off in production",
        ),
        (
            None,
            {"HIMOYA_BEHIND_PROXY": "true", "HIMOYA_TRUSTED_PROXY_COUNT": "0"},
            "himoya.W014",
        ),
    ],
)
def test_deploy_checks_catch_unsafe_production_settings(
    secrets: dict[str, str], tmp_path: Path, drop: str | None, extra: dict[str, str], problem: str
) -> None:
    env = production(secrets, **extra)
    if drop:
        del env[drop]
    result = run(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0
    assert problem in result.stderr


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "0 0"),
        ({"HIMOYA_BEHIND_PROXY": "true"}, "1 1"),
        ({"HIMOYA_BEHIND_PROXY": "true", "HIMOYA_TRUSTED_PROXY_COUNT": "2"}, "2 2"),
        ({"HIMOYA_TRUSTED_PROXY_COUNT": "2"}, "2 0"),
    ],
)
def test_the_trusted_proxy_count_reaches_allauth(
    secrets: dict[str, str], tmp_path: Path, extra: dict[str, str], expected: str
) -> None:
    """Behind the proxy, the client address is the one the trusted proxy appended to
    X-Forwarded-For; without it, the header is never read."""
    code = "from django.conf import settings as s; "
    code += "print(s.HIMOYA_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = run(["shell", "-c", code], production(secrets, **extra), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_production_checks_in_process(settings: Any) -> None:

    from himoya.core.checks import check_production

    settings.PRODUCTION = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert check_production(None) == []
    settings.PRODUCTION = True
    settings.DEBUG = False
    assert sorted(m.id for m in check_production(None)) == ["himoya.W012"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert [m.id for m in check_production(None)] == []
    settings.DEBUG = True
    assert "himoya.E010" in [m.id for m in check_production(None)]


def test_development_generates_secrets_once_and_reuses_them(tmp_path: Path) -> None:
    first = run(["check"], {"HIMOYA_ENV": "development"}, tmp_path)
    assert first.returncode == 0, first.stderr
    path = tmp_path / "dev-secrets.env"
    assert f"generated development keys in {path}" in first.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_text()
    assert "Never use them in production" in content
    values = parse_exports(content)

    second = run(["check"], {"HIMOYA_ENV": "development"}, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "generated" not in second.stderr
    assert path.read_text() == content
    # Variables set in the environment still win over the file.
    env = Env(environ={"HIMOYA_INDEX_KEY": "from-env"}, var_dir=tmp_path)
    assert env.secret("HIMOYA_INDEX_KEY") == "from-env"
    assert env.secret("HIMOYA_DATA_KEYS") == values["HIMOYA_DATA_KEYS"]


def test_development_replaces_an_incomplete_secrets_file(tmp_path: Path) -> None:
    path = tmp_path / "dev-secrets.env"
    path.write_text("export HIMOYA_SECRET_KEY='only-this'\n")
    env = Env(environ={}, var_dir=tmp_path)
    key = env.secret("HIMOYA_DATA_KEYS")
    assert key and key == parse_exports(path.read_text())["HIMOYA_DATA_KEYS"]


def test_production_env_never_falls_back_to_the_file(tmp_path: Path) -> None:
    Env(environ={}, var_dir=tmp_path).secret("HIMOYA_SECRET_KEY")  # writes the dev file
    prod = Env(environ={"HIMOYA_ENV": "production"}, var_dir=tmp_path)
    for name in SECRET_NAMES:
        with pytest.raises(MissingSecret, match=f"{name} is not set"):
            prod.secret(name)


def test_typed_values(tmp_path: Path) -> None:
    env = Env(
        environ={"A": "yes", "B": "0", "N": "42", "L": " a, b ,,c ", "E": "", "X": "4x"},
        var_dir=tmp_path,
    )
    assert env.flag("A") is True and env.flag("B") is False
    assert env.flag("E", default=True) is True and env.flag("missing") is False
    assert env.integer("N", 1) == 42 and env.integer("missing", 7) == 7
    assert env.items("L", []) == ["a", "b", "c"] and env.items("E", ["d"]) == ["d"]
    with pytest.raises(ImproperlyConfigured, match="X must be a whole number, not '4x'"):
        env.integer("X", 1)
    assert Env(environ={"HIMOYA_ENV": " Production "}, var_dir=tmp_path).is_production


# -- DATABASE_URL ----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_parse_postgres_url(scheme: str) -> None:
    db = parse_database_url(f"{scheme}://himoya:p%40ss%3Aw0rd@db.example.org:5433/himoya_db")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("himoya_db", "himoya", "p@ss:w0rd")
    assert (db["HOST"], db["PORT"], db["OPTIONS"]) == ("db.example.org", "5433", {})


def test_parse_postgres_url_with_socket_and_options() -> None:
    db = parse_database_url("postgres://himoya@/himoya?host=/var/run/postgresql&sslmode=require")
    assert db["HOST"] == "/var/run/postgresql"
    assert db["PORT"] == ""
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert parse_database_url("postgres://u@[::1]:5432/d")["HOST"] == "::1"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://u:p@h/d",
            "must start with postgres:// (Himoya runs on PostgreSQL only), not 'mysql'://",
        ),
        ("sqlite:///var/himoya.sqlite3", "must start with postgres://"),
        ("/var/himoya.sqlite3", "not ''://"),
        ("", "DATABASE_URL is not set"),
        ("postgres://u@h:port/d", "DATABASE_URL has an invalid port"),
    ],
)
def test_parse_database_url_errors(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        parse_database_url(url)

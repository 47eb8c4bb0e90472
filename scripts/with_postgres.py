#!/usr/bin/env python3
"""Runs a command against PostgreSQL: DATABASE_URL if it is set, otherwise a throwaway
cluster started here (initdb in a temporary directory, loopback, a free port) and removed
afterwards. As root the cluster runs as the ``postgres`` user, since PostgreSQL refuses
to run as root.

Exits 3, saying so loudly, when no PostgreSQL server binaries are installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def find_bindir() -> str | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: with_postgres.py COMMAND [ARGS...]", file=sys.stderr)
        return 2
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return subprocess.call(argv)
    bindir = find_bindir()
    if bindir is None:
        print(
            "\n" + "!" * 78 + "\nSKIPPED: the PostgreSQL half of the suite: no PostgreSQL server "
            "binaries (initdb).\nInstall Debian's 'postgresql' package or set DATABASE_URL.\n"
            + "!"
            * 78,
            file=sys.stderr,
        )
        return 3
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    workdir = tempfile.mkdtemp(prefix="himoya-pg-")
    datadir = os.path.join(workdir, "data")
    if as_root:
        shutil.chown(workdir, user="postgres")
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    try:
        subprocess.check_call(
            [
                *prefix,
                f"{bindir}/initdb",
                "-D",
                datadir,
                "-A",
                "trust",
                "-U",
                "himoya",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            **quiet,
        )
        subprocess.check_call(
            [
                *prefix,
                f"{bindir}/pg_ctl",
                "-D",
                datadir,
                "-l",
                os.path.join(workdir, "log"),
                "-w",
                "-o",
                f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                "start",
            ],
            **quiet,
        )
        subprocess.check_call(
            [f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "himoya", "himoya"],
            **quiet,
        )
        url = f"postgres://himoya@127.0.0.1:{port}/himoya"
        print(f"himoya: throwaway PostgreSQL cluster on 127.0.0.1:{port}", file=sys.stderr)
        return subprocess.call(
            argv, env={**os.environ, "DATABASE_URL": url, "HIMOYA_PG_BINDIR": bindir}
        )
    finally:
        subprocess.call(
            [*prefix, f"{bindir}/pg_ctl", "-D", datadir, "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""``make run``: the embedded default in one command.

Migrates, re-indexes a search index left stale by an upgrade, loads the fictional demo,
then runs the web server and one background worker side by side on the project-local
PostgreSQL (``var/pg``, started on first use; see ``himoya/core/embedded_db``). Ctrl-C
(or SIGTERM) stops the server and the worker, waits for them, then stops the database,
so the next ``make run`` finds its data intact. With ``DATABASE_URL`` set, that server
is used and left running.

Usage: scripts/run.py PORT
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HIMOYA = str(ROOT / ".venv" / "bin" / "himoya")
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def main(port: str) -> int:
    embedded = not os.environ.get("DATABASE_URL")
    subprocess.check_call([HIMOYA, "migrate", "--noinput", "-v", "0"])
    # An existing var/ from before a tokeniser change: its search documents match nothing
    # until re-indexed (docs/search.md); a no-op when they are current.
    subprocess.check_call([HIMOYA, "rebuild-search", "--stale"])
    subprocess.check_call([HIMOYA, "demo"])
    print(f"\nServing Himoya on http://127.0.0.1:{port}/  (staff: http://127.0.0.1:{port}/staff/)")
    print("Ctrl-C stops the server, the worker and the database.\n", flush=True)
    children = [
        subprocess.Popen([HIMOYA, "worker"]),
        subprocess.Popen([HIMOYA, "runserver", f"127.0.0.1:{port}"]),
    ]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        # A terminal's Ctrl-C reached the children too; SIGTERM covers the rest.
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded:
            subprocess.call([PYTHON, "-m", "himoya.core.embedded_db", "stop", "var/pg"])
    failed = [c.returncode for c in children if c.returncode not in (0, -2, -15, None)]
    return 0 if stopping or not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "8000"))

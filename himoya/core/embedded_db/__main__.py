"""``python -m himoya.core.embedded_db start|stop|url [DATADIR]``: the embedded cluster by
hand (``make run`` and ``make test`` use it; DATADIR defaults to ``var/pg``)."""

from __future__ import annotations

import sys
from pathlib import Path

from himoya.core import embedded_db


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"start", "stop", "url"} or len(argv) > 2:
        print("usage: python -m himoya.core.embedded_db start|stop|url [DATADIR]", file=sys.stderr)
        return 2
    datadir = Path(argv[1] if len(argv) > 1 else "var/pg").resolve()
    if argv[0] == "stop":
        stopped = embedded_db.stop(datadir)
        state = "stopped" if stopped else "was not running"
        print(f"himoya: embedded PostgreSQL in {datadir} {state}")
        return 0
    if argv[0] == "start":
        embedded_db.ensure_running(datadir)
    found = embedded_db.running_socket(datadir)
    if found is None:
        print(f"himoya: no embedded PostgreSQL runs in {datadir}", file=sys.stderr)
        return 1
    socket_dir, port = found
    print(f"postgres://{embedded_db.USER}@:{port}/{embedded_db.DATABASE}?host={socket_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

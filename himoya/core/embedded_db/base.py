"""Django database engine for the embedded cluster: PostgreSQL's own engine, which starts
the project-local cluster (see ``__init__``) before its first connection. Settings name it
only when ``DATABASE_URL`` is unset outside production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.postgresql import base

from himoya.core import embedded_db


class DatabaseWrapper(base.DatabaseWrapper):
    # Per process: the cluster's socket once it is known to run. Django makes further
    # wrappers from copies of the settings (the test database's creation, for one).
    _sockets: dict[Path, tuple[str, int]] = {}

    def get_connection_params(self) -> dict[str, Any]:
        options = self.settings_dict["OPTIONS"]
        datadir = Path(options["embedded_datadir"])
        if datadir not in self._sockets:
            self._sockets[datadir] = embedded_db.ensure_running(
                datadir, fast_unsafe=bool(options.get("embedded_fast_unsafe"))
            )
        socket_dir, port = self._sockets[datadir]
        self.settings_dict["HOST"], self.settings_dict["PORT"] = socket_dir, str(port)
        params = super().get_connection_params()
        params.pop("embedded_datadir", None)
        params.pop("embedded_fast_unsafe", None)
        return params

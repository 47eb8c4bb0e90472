"""Django settings for the test suite: the project's own (run with HIMOYA_ENV=test) plus the
test-only app, a small model with encrypted fields that the platform tests exercise
directly, and the test engine (tests/pg_engine), which may empty the audit table between
transactional tests. Production settings never list either."""

from config.settings import *  # noqa: F403
from config.settings import DATABASES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
for _alias in DATABASES.values():
    _alias["ENGINE"] = "tests.pg_engine"

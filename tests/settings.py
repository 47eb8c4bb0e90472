"""Settings of the test suite: the project's own (run with HIMOYA_ENV=test) plus the
test-only app, a small model with encrypted fields that the platform tests exercise
directly. Production settings never list it."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]

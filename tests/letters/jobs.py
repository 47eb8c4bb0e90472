"""Letters get their files from the worker: tests that need them run the queued jobs in
this process with the worker's own code (``tests.conftest.run_queued_tasks``)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import TestCase

from himoya.letters.models import Letter
from tests.conftest import run_queued_tasks


def with_files(create: Callable[[], Letter]) -> Letter:
    """``create``'s letter once the worker made its files. In a test's transaction the
    job is queued by the captured on-commit callback; in a transactional test, at once."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        letter = create()
    run_queued_tasks()
    return Letter.objects.get(pk=letter.pk)

"""The periodic jobs ``himoya worker`` enqueues (himoya/core/schedule.py): real worker
processes on the test database, and ``enqueue_due`` at chosen moments."""

from __future__ import annotations

import datetime as dt
import io
import time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from himoya.core.models import ScheduledJob
from himoya.core.schedule import When, enqueue_due, planned, schedule
from himoya.core.workers import live_workers
from tests.conftest import finish, until

TICK = "tests.testapp.tasks.tick"
PAGES = "himoya.public_site.tasks.scheduled_pages_publish"

pytestmark = pytest.mark.django_db(transaction=True)


def _ticks() -> list[dt.datetime]:
    return list(
        DBTaskResult.objects.filter(task_path=TICK)
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
    )


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


# Generous waits: starting a worker takes long on a loaded machine.
def test_two_workers_enqueue_a_due_job_once(start_worker) -> None:
    for _ in range(2):
        start_worker("--schedule-interval", "0.05", schedule=True)
    until(lambda: live_workers() == 2, "both workers hold their liveness lock", timeout=120)
    until(lambda: len(_ticks()) >= 1, "a worker enqueued the due job", timeout=120)
    # Each worker looks about 20 times a second: give both many chances to enqueue again.
    time.sleep(2)
    assert len(_ticks()) == 1
    assert DBTaskResult.objects.filter(task_path=PAGES).count() == 1
    names = set(ScheduledJob.objects.values_list("name", flat=True))
    assert names == {job.name for job in schedule.jobs()}
    assert {"cases.reminders", "letters.overdue_reminders", "public_site.scheduled_pages"} <= names
    tick = ScheduledJob.objects.get(name="testapp.tick")
    assert tick.last_run_at is not None
    assert tick.next_run_at == tick.last_run_at + dt.timedelta(hours=1)


def test_an_interval_is_kept_between_runs_by_several_workers(start_worker) -> None:
    env = {"HIMOYA_SCHEDULE": "testapp.tick=2s"}
    for _ in range(2):
        start_worker("--schedule-interval", "0.05", schedule=True, env=env)
    until(lambda: len(_ticks()) >= 4, "the job was enqueued four times", timeout=120)
    ticks = _ticks()
    gaps = [(b - a).total_seconds() for a, b in zip(ticks, ticks[1:], strict=False)]
    # Never early: a gap is the interval less at most the time one enqueue took (the task
    # row's time is taken after the due time was checked). Late only by a look or a busy
    # machine.
    assert all(1.8 <= gap < 6 for gap in gaps), gaps


def test_no_schedule_and_batch_enqueue_nothing(start_worker) -> None:
    start_worker("--schedule-interval", "0.05")  # the fixture adds --no-schedule
    until(lambda: live_workers() == 1, "the worker holds its liveness lock", timeout=120)
    time.sleep(1.5)
    batch = start_worker("--batch", "--schedule-interval", "0.05", schedule=True)
    code, out = finish(batch, timeout=120)
    assert code == 0, out
    assert not ScheduledJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_wrong_setting_stops_the_worker_before_it_starts(start_worker) -> None:
    env = {"HIMOYA_SCHEDULE": "testapp.nothing=5m"}
    code, out = finish(start_worker(schedule=True, env=env), timeout=120)
    assert code != 0
    assert "HIMOYA_SCHEDULE names no such job: testapp.nothing" in out
    assert not ScheduledJob.objects.exists()


def test_a_daily_job_runs_once_a_day_at_its_local_time() -> None:
    day = dt.date(2026, 3, 10)
    assert enqueue_due(_local(day, 6, 59)).count("cases.reminders") == 0
    row = ScheduledJob.objects.get(name="cases.reminders")
    assert row.next_run_at == _local(day, 7)
    assert "cases.reminders" in enqueue_due(_local(day, 7, 0))
    assert "cases.reminders" not in enqueue_due(_local(day, 18))
    row.refresh_from_db()
    assert row.last_run_at == _local(day, 7)
    assert row.next_run_at == _local(day + dt.timedelta(days=1), 7)
    # A worker back after a night and a day away enqueues it at once, then keeps the time.
    assert "cases.reminders" in enqueue_due(_local(day + dt.timedelta(days=2), 12))
    row.refresh_from_db()
    assert row.next_run_at == _local(day + dt.timedelta(days=3), 7)


def test_a_job_first_seen_after_its_time_runs_at_once() -> None:
    assert "cases.reminders" in enqueue_due(_local(dt.date(2026, 3, 10), 9))


def test_the_setting_changes_a_timing_or_turns_a_job_off() -> None:
    day = dt.date(2026, 3, 10)
    enqueue_due(_local(day, 8))
    with override_settings(HIMOYA_SCHEDULE=["cases.reminders=09:30", "testapp.tick=off"]):
        ticks = len(_ticks())
        enqueued = enqueue_due(_local(day, 10))
        assert "cases.reminders" in enqueued and "testapp.tick" not in enqueued
        assert len(_ticks()) == ticks
        row = ScheduledJob.objects.get(name="cases.reminders")
        assert (row.when, row.next_run_at) == ("09:30", _local(day + dt.timedelta(days=1), 9, 30))
        tick = next(p for p in planned() if p.job.name == "testapp.tick")
        assert tick.job.when is None and tick.next_run_at is None


def test_schedule_command_lists_every_job_and_its_next_run() -> None:
    # Days ahead, so that the next run is still to come when the command looks.
    day = timezone.localdate() + dt.timedelta(days=10)
    enqueue_due(_local(day, 8))
    out = io.StringIO()
    call_command("schedule", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["JOB", "WHEN", "LAST", "RUN", "NEXT", "RUN", "ENQUEUES"]
    [reminders] = [line for line in lines if line.startswith("cases.reminders ")]
    assert f"daily at 07:00 ({settings.TIME_ZONE})" in reminders
    assert f"{day:%Y-%m-%d} 08:00" in reminders
    assert f"{day + dt.timedelta(days=1):%Y-%m-%d} 07:00" in reminders
    assert reminders.endswith("himoya.cases.tasks.reminders_enqueue_daily")
    [pages] = [line for line in lines if line.startswith("public_site.scheduled_pages ")]
    assert "every 5m" in pages
    wrong = override_settings(HIMOYA_SCHEDULE=["cases.reminders=25:00"])
    with wrong, pytest.raises(CommandError, match="neither a time of day"):
        call_command("schedule", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("07:00", "07:00"), ("7:05", "07:05"), ("300s", "5m"), ("90m", "90m"), ("120m", "2h")],
)
def test_timings_have_one_spelling(text: str, canonical: str) -> None:
    assert When.parse(text).text == canonical


@pytest.mark.parametrize("text", ["24:00", "7", "0s", "5d", "-5m", ""])
def test_wrong_timings_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        When.parse(text)

"""Periodic work, enqueued by ``himoya worker`` itself (no cron or systemd timer needed).

Each app declares its periodic jobs once, in a ``schedule.py`` module of its own (found
the first time the schedule is read, as the admin finds ``admin.py``)::

    from himoya.core.schedule import schedule

    schedule.daily("cases.reminders", dt.time(7, 0), reminders_enqueue_daily)
    schedule.every("public_site.scheduled_pages", dt.timedelta(minutes=5), ...)

A job is a name, a timing (every so long, or daily at a time of ``TIME_ZONE``) and an
enqueue function taking no arguments; the function queues a task, the worker runs it.
``HIMOYA_SCHEDULE`` changes a timing or turns a job off: ``cases.reminders=08:30,
public_site.scheduled_pages=2m, imports.purge_jobs=off``.

Every worker (unless started with ``--no-schedule``) runs a ``Scheduler`` thread that
calls ``enqueue_due`` every few seconds. Each job has a row (``core.ScheduledJob``) with
its next due time; a worker locks the row with ``SELECT ... FOR UPDATE SKIP LOCKED``,
enqueues the job and moves the due time on in one transaction, so any number of workers
on any number of machines enqueue a due job once, and a worker that dies mid-way leaves
neither the task nor the moved time behind. A daily job missed while no worker ran is
enqueued when one starts again (the enqueue functions of daily jobs also refuse a second
run on the same day, so a timer left in place does no harm).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\Z")
_DAILY = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)\Z")
_INTERVAL = re.compile(r"(\d+)(s|m|h)\Z")
_UNITS = {"s": 1, "m": 60, "h": 3600}
# A failed enqueue is tried again after this long rather than on every look.
RETRY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class When:
    """Every ``interval``, or daily at ``at`` (local time); ``text`` as in the setting."""

    text: str
    interval: dt.timedelta | None = None
    at: dt.time | None = None

    @classmethod
    def parse(cls, text: str) -> When:
        text = text.strip().lower()
        if match := _DAILY.match(text):
            return cls(f"{int(match[1]):02d}:{match[2]}", at=dt.time(int(match[1]), int(match[2])))
        if (match := _INTERVAL.match(text)) and int(match[1]) > 0:
            seconds = int(match[1]) * _UNITS[match[2]]
            # One spelling per interval ("300s" is "5m"), so the stored text compares.
            unit = next(u for u in "hms" if seconds % _UNITS[u] == 0)
            return cls(f"{seconds // _UNITS[unit]}{unit}", interval=dt.timedelta(seconds=seconds))
        raise ValueError(f"{text!r} is neither a time of day (07:00) nor an interval (30s, 5m, 2h)")

    def first(self, now: dt.datetime) -> dt.datetime:
        """When a job never run is due: at once for an interval; today's time for a daily
        job (already past, so at once, if the worker starts after it)."""
        if self.at is None:
            return now
        zone = timezone.get_default_timezone()
        today = timezone.localtime(now, zone).date()
        return dt.datetime.combine(today, self.at, tzinfo=zone)

    def after(self, moment: dt.datetime) -> dt.datetime:
        """The next due time after a run at ``moment``."""
        if self.interval is not None:
            return moment + self.interval
        assert self.at is not None
        zone = timezone.get_default_timezone()
        day = timezone.localtime(moment, zone).date()
        due = dt.datetime.combine(day, self.at, tzinfo=zone)
        while due <= moment:
            day += dt.timedelta(days=1)
            due = dt.datetime.combine(day, self.at, tzinfo=zone)
        return due

    def describe(self) -> str:
        if self.at is not None:
            return f"daily at {self.text} ({settings.TIME_ZONE})"
        return f"every {self.text}"


@dataclass(frozen=True)
class Job:
    name: str
    when: When | None  # None: turned off by HIMOYA_SCHEDULE
    enqueue: Callable[[], object]

    @property
    def enqueue_path(self) -> str:
        return f"{self.enqueue.__module__}.{self.enqueue.__qualname__}"


class Schedule:
    """The registry of periodic jobs. Apps add theirs from their ``schedule`` module."""

    def __init__(self) -> None:
        self._declared: dict[str, tuple[When, Callable[[], object]]] = {}
        self._discovered = False
        self._lock = threading.Lock()

    def every(self, name: str, interval: dt.timedelta, enqueue: Callable[[], object]) -> None:
        seconds = int(interval.total_seconds())
        if seconds <= 0 or seconds != interval.total_seconds():
            raise ValueError(f"job {name}: the interval must be whole seconds, more than 0")
        self._add(name, When.parse(f"{seconds}s"), enqueue)

    def daily(self, name: str, at: dt.time, enqueue: Callable[[], object]) -> None:
        self._add(name, When.parse(at.strftime("%H:%M")), enqueue)

    def _add(self, name: str, when: When, enqueue: Callable[[], object]) -> None:
        if not _NAME.match(name) or len(name) > 64:
            raise ValueError(f"job name {name!r} must be app.code (lower case, at most 64)")
        if name in self._declared:
            raise ValueError(f"job {name} is declared twice")
        self._declared[name] = (when, enqueue)

    def discover(self) -> None:
        with self._lock:
            if not self._discovered:
                self._discovered = True
                autodiscover_modules("schedule")

    def jobs(self) -> list[Job]:
        """Every declared job with its timing after ``HIMOYA_SCHEDULE``, by name. Raises
        ``ImproperlyConfigured`` for a setting naming no job or giving no timing."""
        self.discover()
        overrides = _overrides(getattr(settings, "HIMOYA_SCHEDULE", []))
        unknown = sorted(set(overrides) - set(self._declared))
        if unknown:
            raise ImproperlyConfigured(
                f"HIMOYA_SCHEDULE names no such job: {', '.join(unknown)} "
                f"(jobs: {', '.join(sorted(self._declared))})"
            )
        jobs = []
        for name, (when, enqueue) in sorted(self._declared.items()):
            jobs.append(Job(name, overrides.get(name, when), enqueue))
        return jobs


def _overrides(items: Iterable[str]) -> dict[str, When | None]:
    result: dict[str, When | None] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep:
            raise ImproperlyConfigured(f"HIMOYA_SCHEDULE: {item!r} is not job=timing")
        try:
            result[name.strip()] = None if text.strip().lower() == "off" else When.parse(text)
        except ValueError as exc:
            raise ImproperlyConfigured(f"HIMOYA_SCHEDULE: {name.strip()}: {exc}") from exc
    return result


schedule = Schedule()


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueues every job that is due and that no other worker is enqueueing right now;
    returns the names of those it enqueued."""
    from himoya.core.models import ScheduledJob

    jobs = [job for job in schedule.jobs() if job.when is not None]
    start = now or timezone.now()
    # Rows first, each computed by the first worker to see the job.
    ScheduledJob.objects.bulk_create(
        [
            ScheduledJob(name=job.name, when=job.when.text, next_run_at=job.when.first(start))
            for job in jobs
            if job.when is not None
        ],
        ignore_conflicts=True,
    )
    enqueued = []
    for job in jobs:
        assert job.when is not None
        with transaction.atomic():
            row = (
                ScheduledJob.objects.select_for_update(skip_locked=True)
                .filter(name=job.name)
                .first()
            )
            if row is None:
                continue  # another worker holds it: that one enqueues it if due
            moment = now or timezone.now()
            if row.when != job.when.text:
                row.when = job.when.text
                row.next_run_at = (
                    job.when.after(row.last_run_at) if row.last_run_at else job.when.first(moment)
                )
                row.save(update_fields=["when", "next_run_at"])
            if row.next_run_at > moment:
                continue
            try:
                with transaction.atomic():
                    job.enqueue()
            except Exception:
                logger.exception("Scheduled job %s could not be enqueued", job.name)
                row.next_run_at = moment + RETRY
                row.save(update_fields=["next_run_at"])
                continue
            row.last_run_at = moment
            row.next_run_at = job.when.after(moment)
            row.save(update_fields=["last_run_at", "next_run_at"])
            enqueued.append(job.name)
    if enqueued:
        logger.info("Scheduled jobs enqueued: %s", ", ".join(enqueued))
    return enqueued


@dataclass(frozen=True)
class Planned:
    job: Job
    next_run_at: dt.datetime | None  # None: turned off
    last_run_at: dt.datetime | None


def planned(now: dt.datetime | None = None) -> list[Planned]:
    """Every job with its next and last run, as the workers will see them."""
    from himoya.core.models import ScheduledJob

    moment = now or timezone.now()
    rows = {row.name: row for row in ScheduledJob.objects.all()}
    result = []
    for job in schedule.jobs():
        row = rows.get(job.name)
        last = row.last_run_at if row else None
        if job.when is None:
            result.append(Planned(job, None, last))
        elif row is not None and row.when == job.when.text:
            result.append(Planned(job, row.next_run_at, last))
        else:
            due = job.when.after(last) if last else job.when.first(moment)
            result.append(Planned(job, due, last))
    return result


class Scheduler(threading.Thread):
    """Runs ``enqueue_due`` at once and then every ``interval`` seconds, beside the worker
    loop, on the thread's own database connection."""

    def __init__(self, *, interval: float) -> None:
        super().__init__(name="himoya-scheduler", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                enqueue_due()
            except Exception:
                logger.exception("Enqueueing the scheduled jobs failed")
            finally:
                connections.close_all()
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()

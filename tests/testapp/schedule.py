"""A periodic job for the schedule's tests; hourly unless HIMOYA_SCHEDULE shortens it."""

import datetime as dt

from himoya.core.schedule import schedule
from tests.testapp.tasks import tick_enqueue

schedule.every("testapp.tick", dt.timedelta(hours=1), tick_enqueue)

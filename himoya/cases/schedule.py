"""The case register's periodic jobs (``himoya/core/schedule.py``)."""

import datetime as dt

from himoya.cases.tasks import reminders_enqueue_daily
from himoya.core.schedule import schedule

# Before the working day, so the reminders are in the mailbox when it starts.
schedule.daily("cases.reminders", dt.time(7, 0), reminders_enqueue_daily)

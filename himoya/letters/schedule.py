"""Letters' periodic jobs (``himoya/core/schedule.py``)."""

import datetime as dt

from himoya.core.schedule import schedule
from himoya.letters.tasks import letter_reminders_enqueue_daily

schedule.daily("letters.overdue_reminders", dt.time(7, 0), letter_reminders_enqueue_daily)

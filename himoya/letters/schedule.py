"""Letters' periodic jobs (``himoya/core/schedule.py``)."""

import datetime as dt

from himoya.core.schedule import schedule
from himoya.letters.tasks import letter_files_sweep_enqueue_daily, letter_reminders_enqueue_daily

schedule.daily("letters.overdue_reminders", dt.time(7, 0), letter_reminders_enqueue_daily)
schedule.daily("letters.orphan_files", dt.time(3, 45), letter_files_sweep_enqueue_daily)

"""Imports' periodic jobs (``himoya/core/schedule.py``)."""

import datetime as dt

from himoya.core.schedule import schedule
from himoya.imports.retention import jobs_purge_enqueue_daily

# At night: the purge deletes files and rows nobody is looking at then.
schedule.daily("imports.purge_jobs", dt.time(3, 0), jobs_purge_enqueue_daily)

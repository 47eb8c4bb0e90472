"""Evidence's periodic jobs (``himoya/core/schedule.py``)."""

import datetime as dt

from himoya.core.schedule import schedule
from himoya.evidence.tasks import stale_parts_enqueue_daily

schedule.daily("evidence.stale_parts", dt.time(3, 30), stale_parts_enqueue_daily)

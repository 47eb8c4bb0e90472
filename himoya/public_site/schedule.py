"""The public site's periodic jobs (``himoya/core/schedule.py``)."""

import datetime as dt

from himoya.core.schedule import schedule
from himoya.public_site.tasks import scheduled_pages_enqueue

# A page approved for 10:00 goes live by 10:05; a run is one cheap query when nothing is
# due, and scheduled_pages_enqueue queues none while one is still waiting.
schedule.every("public_site.scheduled_pages", dt.timedelta(minutes=5), scheduled_pages_enqueue)

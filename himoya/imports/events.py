"""The events of register imports (see himoya.core.events). The codes keep the word
"register" (the interchange sense: an organisation's register file) because stored audit
events carry them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from himoya.core.events import register

register("register.upload", _l("Register file uploaded"))
register("register.import", _l("Register imported"))
register("register.cancel", _l("Register import cancelled"))
register("publication.import", _l("Publication imported"))
register("register.purge", _l("Finished register imports deleted"))

"""The events of publications, trainings and offices (see himoya.core.events). ``data``
holds ids and the names of the fields changed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _l

from himoya.core.events import register, register_names
from himoya.outreach.models import Office

register("publication.create", _l("Publication added"))
register("publication.update", _l("Publication changed"))
register("training.create", _l("Training added"))
register("training.update", _l("Training changed"))
register("training.import", _l("Training imported"))
register("office.create", _l("Office added"))
register("office.update", _l("Office changed"))


def _offices(ids: set[Any]) -> dict[Any, str]:
    # Offices are public (the public site will list them): any reader may see the name.
    return dict(Office.objects.filter(pk__in=ids).values_list("pk", "name"))


register_names("office", _offices)

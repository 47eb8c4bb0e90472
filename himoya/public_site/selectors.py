"""What the public pages read from the register: only what is public by nature."""

from __future__ import annotations

from dataclasses import dataclass, field

from himoya.outreach.models import Office
from himoya.outreach.phones import display_hotline


@dataclass
class Hotline:
    number: str

    @property
    def shown(self) -> str:
        return display_hotline(self.number)

    @property
    def digits(self) -> str:
        return self.number.lstrip("+")

    @property
    def international(self) -> bool:
        # WhatsApp and Telegram links need a full international number.
        return self.number.startswith("+")


@dataclass
class RegionOffices:
    region: str
    offices: list[tuple[Office, list[Hotline]]] = field(default_factory=list)


def public_offices(organisation_slug: str) -> list[RegionOffices]:
    """The open offices of the organisation that runs the site, by region (offices
    without one last), each with its hotlines."""
    if not organisation_slug:
        return []
    offices = (
        Office.objects.filter(organisation__slug=organisation_slug, active=True)
        .select_related("region")
        .order_by("region__name_ru", "kind", "name")
    )
    groups: dict[str, RegionOffices] = {}
    for office in offices:
        name = str(office.region) if office.region else ""
        group = groups.setdefault(name, RegionOffices(region=name))
        group.offices.append((office, [Hotline(n) for n in office.hotlines]))
    return sorted(groups.values(), key=lambda g: (g.region == "", g.region))

"""Demo offices and hotlines of the demo organisations (addresses invented, numbers in
the +7 700 000 / +992 90 000 ranges used by every demo phone). Publications and
trainings arrive through the register imports (``imports.demo``). Each office is added
once, by name."""

from __future__ import annotations

from himoya.core.demo_loader import DemoContext
from himoya.outreach.models import Office
from himoya.outreach.services import office_create
from himoya.reference.models import Region

# (organisation, name, kind, country, region, address, hotlines)
OFFICES = [
    (
        "demo-kz",
        "Главный офис в Алматы (демо)",
        Office.Kind.HEAD,
        "KZ",
        "Алматы",
        "г. Алматы, ул. Примерная, 1, офис 10 (демо)",
        ["+7 700 000 0101", "+7 700 000 0102"],
    ),
    (
        "demo-kz",
        "Филиал в Караганде (демо)",
        Office.Kind.BRANCH,
        "KZ",
        "Карагандинская область",
        "г. Караганда, пр. Условный, 5 (демо)",
        ["+7 700 000 0201"],
    ),
    (
        "demo-tj",
        "Главный офис в Душанбе (демо)",
        Office.Kind.HEAD,
        "TJ",
        "Душанбе",
        "г. Душанбе, ул. Намунавӣ, 3 (демо)",
        ["+992 90 000 0101"],
    ),
    (
        "demo-tj",
        "Филиал в Худжанде (демо)",
        Office.Kind.BRANCH,
        "TJ",
        "Согдийская область",
        "г. Худжанд, ул. Санҷишӣ, 7 (демо)",
        ["+992 90 000 0201", "+992 90 000 0202"],
    ),
]


def demo_offices(ctx: DemoContext) -> dict[str, list[Office]]:
    """The demo offices by organisation slug (head office first), added if missing. The
    cases demo, which runs before this app's, calls it to spread its appeals across
    them."""
    found: dict[str, list[Office]] = {}
    for slug, name, kind, country, region, address, hotlines in OFFICES:
        org = ctx.objects[f"org:{slug}"]
        office = Office.objects.filter(organisation=org, name=name).first()
        if office is None:
            office = office_create(
                actor=ctx.actor,
                organisation=org,
                name=name,
                kind=kind,
                country=country,
                region=Region.objects.filter(country=country, name_ru=region).first(),
                address=address,
                hotlines=hotlines,
            )
        found.setdefault(slug, []).append(office)
    return found


def load(ctx: DemoContext) -> None:
    demo_offices(ctx)
    ctx.lines.append("Demo offices: a head office and a branch per organisation, with hotlines.")

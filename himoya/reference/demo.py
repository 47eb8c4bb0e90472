"""Demo reference data: places of detention and partner organisations (all invented)."""

from __future__ import annotations

from himoya.core.demo_loader import DemoContext
from himoya.reference import services
from himoya.reference.models import Facility, Partner, Region

FACILITIES = [
    ("KZ", "Алматы", "ИВС департамента полиции (демо)", "ivs", "police"),
    ("KZ", "Алматы", "СИЗО № 1 (демо)", "sizo", "penitentiary"),
    (
        "KZ",
        "Карагандинская область",
        "Исправительная колония средней безопасности (демо)",
        "colony",
        "penitentiary",
    ),
    (
        "KZ",
        "Павлодарская область",
        "Колония для несовершеннолетних (демо)",
        "special",
        "penitentiary",
    ),
    ("TJ", "Душанбе", "Изолятор временного содержания ОВД (демо)", "ivs", "police"),
    ("TJ", "Согдийская область", "Следственный изолятор (демо)", "sizo", "penitentiary"),
    ("TJ", "Хатлонская область", "Исправительная колония (демо)", "colony", "penitentiary"),
]


def _facility(
    ctx: DemoContext, country: str, region_name: str, name: str, ftype: str, agency: str
) -> Facility:
    existing = Facility.objects.filter(country=country, name=name).first()
    if existing:
        return existing
    return services.facility_create(
        actor=ctx.actor,
        name=name,
        country=country,
        region=Region.objects.filter(country=country, name_ru=region_name).first(),
        type_code=ftype,
        agency_code=agency,
        source="demo",
    )


def load(ctx: DemoContext) -> None:
    facilities: dict[str, list[Facility]] = {c: [] for c in ("KZ", "TJ")}
    for country, region, name, ftype, agency in FACILITIES:
        facilities[country].append(_facility(ctx, country, region, name, ftype, agency))
    ctx.objects["demo_facilities"] = facilities
    for slug, country in (("demo-kz", "KZ"), ("demo-tj", "TJ")):
        org = ctx.objects[f"org:{slug}"]
        if not Partner.objects.filter(organisation=org).exists():
            services.partner_create(
                actor=ctx.actor,
                organisation=org,
                name="Центр реабилитации «Пример» (демо)",
                medical=True,
                psychological=True,
                country=country,
            )
            services.partner_create(
                actor=ctx.actor,
                organisation=org,
                name="Адвокатская контора «Образец» (демо)",
                legal=True,
                country=country,
            )

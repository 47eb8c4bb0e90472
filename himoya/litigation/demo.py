"""Demo litigation (courts, numbers and decisions invented): in each demo organisation
the oldest case went through the courts at several instances, with decisions, a
strategic cassation or constitutional complaint, and a claim for compensation partly
awarded; a second case has a claim not yet decided.

Dates are spread between the case's opening and the day the demo is loaded, so they
are never in the future and follow each other. Loaded once per organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from himoya.cases.models import Case
from himoya.core.demo_loader import DemoContext
from himoya.litigation import services
from himoya.litigation.models import CourtProceeding, Instance, ProceedingKind


@dataclass(frozen=True)
class Court:
    instance: str
    name: str
    number: str
    decision: str


COURTS = {
    "KZ": [
        Court(
            Instance.FIRST,
            "Специализированный межрайонный суд по уголовным делам г. Алматы (демо)",
            "1-0000-24-00001",
            "Сотрудники ИВС признаны виновными в применении пыток, наказание — лишение "
            "свободы условно (демо).",
        ),
        Court(
            Instance.APPEAL,
            "Алматинский городской суд, апелляционная коллегия (демо)",
            "2а-0000-24-00002",
            "Приговор изменён: условное наказание заменено реальным сроком (демо).",
        ),
        Court(
            Instance.CASSATION,
            "Верховный суд Республики Казахстан (демо)",
            "3к-0000-25-00003",
            "",
        ),
    ],
    "TJ": [
        Court(
            Instance.FIRST,
            "Суд района Сино г. Душанбе (демо)",
            "1-000/24",
            "В возбуждении уголовного дела против сотрудников ОВД отказано; жалоба "
            "оставлена без удовлетворения (демо).",
        ),
        Court(
            Instance.APPEAL,
            "Суд г. Душанбе, коллегия по уголовным делам (демо)",
            "2-000/24",
            "Решение первой инстанции отменено, материалы направлены на новую проверку (демо).",
        ),
        Court(
            Instance.CONSTITUTIONAL,
            "Конституционный суд Республики Таджикистан (демо)",
            "КС-00/25",
            "",
        ),
    ],
}
CIVIL_COURT = {
    "KZ": "Медеуский районный суд г. Алматы (демо)",
    "TJ": "Суд района Сино г. Душанбе (демо)",
}
CURRENCY = {"KZ": "KZT", "TJ": "TJS"}
CLAIMED = {"KZ": Decimal("5000000"), "TJ": Decimal("150000")}
AWARDED = {"KZ": Decimal("1500000"), "TJ": Decimal("40000")}
PAYER = "Министерство финансов (демо)"


def load(ctx: DemoContext) -> None:
    for slug in ("demo-kz", "demo-tj"):
        org = ctx.objects[f"org:{slug}"]
        if CourtProceeding.objects.filter(case__organisation=org).exists():
            continue
        cases = list(Case.objects.filter(organisation=org).order_by("opened_on", "pk")[:2])
        if len(cases) < 2:
            continue
        _through_the_courts(ctx, cases[0])
        _pending_claim(ctx, cases[1])
    ctx.lines.append(
        "Demo litigation: the oldest case of each organisation went through three "
        "instances, with decisions and compensation awarded."
    )


def _day(case: Case, share: float) -> dt.date:
    """A day ``share`` of the way from the case's opening to today."""
    today = timezone.localdate()
    return case.opened_on + dt.timedelta(days=int((today - case.opened_on).days * share))


def _through_the_courts(ctx: DemoContext, case: Case) -> None:
    courts = COURTS[case.country]
    steps = [(0.2, 0.4), (0.5, 0.65), (0.8, None)]
    proceedings: list[CourtProceeding] = []
    for court, (start, decided) in zip(courts, steps, strict=True):
        proceeding = services.proceeding_add(
            actor=ctx.actor,
            case=case,
            kind=ProceedingKind.CRIMINAL,
            instance=court.instance,
            court=court.name,
            court_number=court.number,
            started_on=_day(case, start),
            # The last complaint is taken to set a precedent for such cases.
            strategic=court.instance in (Instance.CASSATION, Instance.CONSTITUTIONAL),
        )
        if decided is not None:
            services.decision_add(
                actor=ctx.actor,
                proceeding=proceeding,
                decided_on=_day(case, decided),
                result=court.decision,
            )
        proceedings.append(proceeding)
    country = case.country
    claim = services.compensation_add(
        actor=ctx.actor,
        case=case,
        proceeding=proceedings[1],
        claimed_amount=CLAIMED[country],
        claimed_currency=CURRENCY[country],
        claimed_on=_day(case, 0.55),
    )
    services.compensation_award(
        actor=ctx.actor,
        compensation=claim,
        awarded_amount=AWARDED[country],
        awarded_currency=CURRENCY[country],
        awarded_on=_day(case, 0.7),
        payer=PAYER,
    )


def _pending_claim(ctx: DemoContext, case: Case) -> None:
    """A civil claim for moral damage, filed and not yet decided."""
    proceeding = services.proceeding_add(
        actor=ctx.actor,
        case=case,
        kind=ProceedingKind.CIVIL,
        instance=Instance.FIRST,
        court=CIVIL_COURT[case.country],
        started_on=_day(case, 0.6),
    )
    services.compensation_add(
        actor=ctx.actor,
        case=case,
        proceeding=proceeding,
        claimed_amount=CLAIMED[case.country] / 2,
        claimed_currency=CURRENCY[case.country],
        claimed_on=_day(case, 0.6),
    )

"""Demo appeals and cases (every person, place and story here is invented)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from himoya.accounts.models import Organisation
from himoya.cases import services
from himoya.cases.clinicians import CaseClinician
from himoya.cases.models import Appeal, Case, CaseStatus, Rehabilitation, Urgency
from himoya.core.demo_loader import DemoContext
from himoya.outreach.demo import demo_offices
from himoya.outreach.models import Office
from himoya.reference import vocab
from himoya.reference.models import Facility
from himoya.reference.selectors import terms_for_country

# Invented people: first names by sex, so that a name and its recorded sex agree.
FIRST_MALE = [
    "Арман",
    "Данияр",
    "Айдос",
    "Тимур",
    "Руслан",
    "Бекзат",
    "Сухроб",
    "Фаридун",
    "Парвиз",
    "Манучехр",
    "Ержан",
]
FIRST_FEMALE = ["Мадина", "Алия", "Шахло", "Зарина", "Гульнара"]
LAST = [
    "Вымышленов",
    "Примеров",
    "Демонов",
    "Тестбаев",
    "Условнов",
    "Образцов",
    "Макетов",
    "Пробиров",
    "Фиктивов",
    "Шаблонов",
]

STORIES = [
    ("torture", "police", "Задержан на улице, в ИВС избит сотрудниками, требовали признание."),
    ("ill_treatment", "penitentiary", "В СИЗО лишали сна и воды, угрожали расправой."),
    ("detention_conditions", "penitentiary", "Переполненная камера, нет вентиляции и прогулок."),
    ("medical_care", "penitentiary", "Администрация не выводит в медсанчасть после избиения."),
    ("unfair_trial", "prosecutor", "Приговор основан на показаниях, данных под давлением."),
    ("parole", "penitentiary", "Отказ в УДО без объяснения причин, жалоба на решение комиссии."),
    ("reprisal", "penitentiary", "После жалобы на побои переведён в другую колонию."),
    ("threats", "national_security", "Родственнику угрожали по телефону после обращения."),
]


def load(ctx: DemoContext) -> None:
    # The demo places of detention, made by the reference app's demo (which runs first).
    facilities: dict[str, list[Facility]] = ctx.objects["demo_facilities"]
    rng = random.Random(2026)  # noqa: S311  (deterministic fictional data)
    today = timezone.localdate()
    offices = demo_offices(ctx)
    for slug, country in (("demo-kz", "KZ"), ("demo-tj", "TJ")):
        org = ctx.objects[f"org:{slug}"]
        if Case.objects.filter(organisation=org).exists():
            _spread_offices(ctx, org, offices[slug])
            continue
        lawyer = ctx.objects[f"user:{slug}:lawyer"]
        team = lawyer.teams.first()
        for i in range(14):
            violation, agency, story = STORIES[i % len(STORIES)]
            received = today - dt.timedelta(days=rng.randint(3, 700))
            facility = rng.choice(facilities[country])
            born = received.year - rng.randint(15, 60)
            sex = rng.choice(["male", "male", "male", "female"])
            # Russian-style surnames take -а for women (Примеров, Примерова).
            last, first = (
                (rng.choice(LAST), rng.choice(FIRST_MALE))
                if sex == "male"
                else (rng.choice(LAST) + "а", rng.choice(FIRST_FEMALE))
            )
            victim = services.PersonInput(
                full_name=f"{last} {first} (демо)",
                sex=sex,
                birth_date=str(born),
                phone=f"+7 700 000 {rng.randint(1000, 9999)}"
                if country == "KZ"
                else f"+992 90 000 {rng.randint(1000, 9999)}",
            )
            data = services.AppealInput(
                received_on=received,
                channel=rng.choice(
                    ["in_person", "phone", "letter", "telegram", "whatsapp", "email", "visit"]
                ),
                consent_processing=True,
                consent_representation=True,
                content=story,
                urgency="urgent" if i % 5 == 0 else "normal",
                victim=victim,
                country=country,
                region=facility.region_id,
                facility=facility.pk,
                agency=agency,
                violations=[violation]
                + (["threats"] if i % 3 == 0 and violation != "threats" else []),
                events_from=received - dt.timedelta(days=rng.randint(1, 30)),
                summary=f"{story} (вымышленная история для демонстрации)",
                legal_aid=i % 2 == 0,
                rehabilitation=Rehabilitation.BOTH if i % 4 == 0 else Rehabilitation.NONE,
                rehabilitation_started_on=received if i % 4 == 0 else None,
                team=team.pk if team else None,
                lawyer=lawyer.pk,
                office=_office_of(i, offices[slug]),
            )
            appeal = services.appeal_register(actor=ctx.actor, organisation=org, data=data)
            case = appeal.case
            if i % 3 == 0:
                services.task_add(
                    actor=ctx.actor,
                    case=case,
                    title="Подготовить жалобу прокурору (демо)",
                    due_on=today + dt.timedelta(days=rng.randint(-5, 20)),
                )
            if i % 4 == 1:
                services.note_add(
                    actor=ctx.actor,
                    case=case,
                    text="Созвонились с родственниками, назначена встреча (демо).",
                )
            steps = i % 5
            path = [CaseStatus.IN_REVIEW, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_ANSWER]
            for status in path[:steps]:
                services.case_change_status(
                    actor=ctx.actor, case=case, status=status, expected_version=case.version
                )
            if steps == 4:
                # Closed with its tasks done (the demo has no hearings to decide on).
                services.case_close(
                    actor=ctx.actor,
                    case=case,
                    tasks={
                        t.pk: services.TaskDecision(services.TaskDecision.DONE)
                        for t in case.tasks.filter(done_at__isnull=True)
                    },
                    outcome=rng.choice(
                        sorted(
                            terms_for_country(vocab.OUTCOME, case.country).values_list(
                                "code", flat=True
                            )
                        )
                    ),
                    expected_version=case.version,
                )
            if violation == "reprisal":
                victim_person = appeal.victim
                assert victim_person is not None
                services.custody_record(
                    actor=ctx.actor,
                    case=case,
                    person=victim_person,
                    facility=facilities[country][0],
                    since=received - dt.timedelta(days=60),
                )
                services.custody_record(
                    actor=ctx.actor,
                    case=case,
                    person=victim_person,
                    facility=facilities[country][-1],
                    since=received - dt.timedelta(days=2),
                )
    for slug, country in (("demo-kz", "KZ"), ("demo-tj", "TJ")):
        _emergency(ctx, ctx.objects[f"org:{slug}"], country, facilities[country][0])
    ctx.lines.append("Demo cases: 14 per organisation, with tasks, notes and a transfer alert.")
    _assign_clinicians(ctx)


def _office_of(i: int, offices: list[Office]) -> int | None:
    """Most appeals reach the head office, some the branch, and one in seven has none
    recorded, so the statistics page shows all three kinds of row."""
    pick = (0, 1, 0, None, 1, 0, 0)[i % 7]  # 0: the head office, 1: the branch
    return None if pick is None else offices[pick].pk


def _spread_offices(ctx: DemoContext, org: Organisation, offices: list[Office]) -> None:
    """A demo loaded before appeals recorded their office gets them now, once."""
    appeals = Appeal.objects.filter(organisation=org).select_related("case").order_by("id")
    if appeals.filter(office__isnull=False).exists():
        return
    for i, appeal in enumerate(appeals):
        office = _office_of(i, offices)
        if office is not None:
            services.appeal_change_office(actor=ctx.actor, appeal=appeal, office=office)


def _emergency(ctx: DemoContext, org: Organisation, country: str, facility: Facility) -> None:
    """An emergency appeal taken by intake with no lawyer yet: it alerts the lawyer on
    duty (the duty demo runs first) and waits in the dashboards' urgent queue until
    somebody takes the case. Added once, also to a demo loaded before it existed."""
    if Appeal.objects.filter(organisation=org, urgency=Urgency.EMERGENCY).exists():
        return
    today = timezone.localdate()
    data = services.AppealInput(
        received_on=today,
        channel="phone",
        consent_processing=True,
        content="Звонит сестра: брата задержали ночью, в ИВС слышны крики, адвоката не пускают.",
        urgency=Urgency.EMERGENCY,
        victim=services.PersonInput(
            full_name="Срочнов Тимур (демо)" if country == "KZ" else "Шошилов Парвиз (демо)",
            sex="male",
            phone="+7 700 000 0911" if country == "KZ" else "+992 90 000 0911",
        ),
        country=country,
        region=facility.region_id,
        facility=facility.pk,
        agency="police",
        violations=["torture"],
        events_from=today,
        summary="Задержан ночью, угроза пыток в ИВС (вымышленная история для демонстрации)",
        office=demo_offices(ctx)[org.slug][0].pk,
    )
    services.appeal_register(actor=ctx.actor, organisation=org, data=data)


def _assign_clinicians(ctx: DemoContext) -> None:
    """The demo's doctors and psychologists are assigned to the first open case of their
    organisation, one with a victim in rehabilitation if there is one (in Almaty they
    are in no team, so this is the case they see)."""
    for slug in ("demo-kz", "demo-tj"):
        open_cases = Case.objects.filter(organisation=ctx.objects[f"org:{slug}"]).exclude(
            status=CaseStatus.CLOSED
        )
        case = (
            open_cases.filter(appeals__rehabilitation=Rehabilitation.BOTH).order_by("id").first()
            or open_cases.order_by("id").first()
        )
        for local in ("doctor", "psychologist"):
            clinician = ctx.objects.get(f"user:{slug}:{local}")
            if case is None or clinician is None:
                continue
            if not CaseClinician.objects.filter(clinician=clinician).exists():
                services.clinician_assign(actor=ctx.actor, case=case, clinician=clinician)
                ctx.lines.append(f"{clinician.email} is assigned to case {case.number}.")

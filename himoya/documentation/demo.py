"""The demo's documented case (fictional): in the Kazakhstan demo organisation, the
lawyer's first case gets the victim's consents, an allegation interview, and the
doctor's medical evaluation with rated findings.

The demo doctor is assigned to that case (``cases.clinicians``), as a clinician must be
to write and read its clinical record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from himoya.cases import services as case_services
from himoya.cases.clinicians import CaseClinician
from himoya.cases.models import Case
from himoya.core.demo_loader import DemoContext
from himoya.documentation import services
from himoya.documentation.models import Consent, ConsentKind
from himoya.reference import vocab
from himoya.reference.models import Term

SLUG = "demo-kz"


def load(ctx: DemoContext) -> None:
    org = ctx.objects[f"org:{SLUG}"]
    lawyer = ctx.objects[f"user:{SLUG}:lawyer"]
    doctor = ctx.objects[f"user:{SLUG}:doctor"]
    case = Case.objects.filter(organisation=org, lawyer=lawyer).order_by("pk").first()
    if case is None or Consent.objects.filter(case__organisation=org).exists():
        return
    victim = services.victims(case)[0]
    if not CaseClinician.objects.filter(
        case=case, clinician=doctor, ended_at__isnull=True
    ).exists():
        case_services.clinician_assign(actor=ctx.actor, case=case, clinician=doctor)
    today = timezone.localdate()
    given = today - dt.timedelta(days=6)
    for kind in (ConsentKind.INTERVIEW, ConsentKind.EXAMINATION, ConsentKind.PHOTOGRAPHY):
        services.consent_record(
            actor=ctx.actor, case=case, person=victim, kind=kind, given_on=given, taken_by=lawyer
        )
    services.consent_record(
        actor=ctx.actor,
        case=case,
        person=victim,
        kind=ConsentKind.SHARING,
        given_on=given,
        taken_by=lawyer,
        recipients="Прокуратура области (вымышленная); Уполномоченный по правам человека",
    )
    services.interview_record(
        actor=ctx.actor,
        case=case,
        person=victim,
        held_on=given,
        interviewer=lawyer,
        interviewer_gender="male",
        interpreter=False,
        methods=Term.objects.filter(vocabulary=vocab.METHOD, code__in=["blunt_trauma", "threats"]),
        sections={
            "before_detention": "Задержан у дома вечером, без объяснения причин (вымышлено).",
            "dates_times": "Задержание около 21:00; удары в ИВС в ночь на следующий день.",
            "places": "ИВС районного отдела полиции (вымышленный).",
            "people_involved": "Двое сотрудников в форме, один в гражданской одежде.",
            "said_or_asked": "Требовали подписать признание.",
            "methods_account": "Удары кулаками и дубинкой по спине, угрозы близким.",
            "injuries_symptoms": "Боль в спине и левом плече, кровоподтёки.",
            "witnesses": "Сокамерник (имя известно юристу).",
            "medical_certificates": "Справки нет: в медпункте ИВС отказали в осмотре.",
            "follow_up": "Независимое медицинское освидетельствование; жалоба прокурору.",
        },
    )
    evaluation = services.evaluation_record(
        actor=doctor,
        case=case,
        person=victim,
        kind="medical",
        examined_on=today - dt.timedelta(days=5),
        overall="highly_consistent",
        truthful=True,
        sections={
            "requested_by": "Юрист организации",
            "qualifications": "Врач судебно-медицинский эксперт (вымышленная квалификация).",
            "persons_present": "Врач; медицинская сестра (по желанию пострадавшего).",
            "restraint": "Нет.",
            "physical_symptoms": "Боль в спине при движении, головная боль.",
            "physical_examination": "Кровоподтёки на спине и левом плече; ссадина на запястье.",
            "conclusion": "Находки в значительной степени соответствуют описанию избиения.",
            "recommendations": "Рентгенография грудной клетки; консультация психолога.",
        },
    )
    findings: tuple[dict[str, Any], ...] = (
        {
            "type": "bruise",
            "region": "back",
            "location": "поясничная область справа",
            "size": "6 x 4 см",
            "colour": "сине-фиолетовый с желтизной по краю",
            "age_estimate": "5-7 дней",
            "rating": "typical",
            "view": "back",
            "x": 0.55,
            "y": 0.45,
        },
        {
            "type": "bruise",
            "region": "arm_left",
            "location": "плечо, наружная поверхность",
            "size": "3 x 2 см",
            "colour": "сине-зелёный",
            "age_estimate": "5-7 дней",
            "rating": "highly_consistent",
            "view": "back",
            "x": 0.26,
            "y": 0.25,
        },
        {
            "type": "abrasion",
            "region": "hand_right",
            "location": "запястье, циркулярно",
            "size": "полоса 0,5 см",
            "colour": "красно-бурая корочка",
            "age_estimate": "4-6 дней",
            "rating": "consistent",
            "description": "Соответствует наручникам.",
            "view": "front",
            "x": 0.185,
            "y": 0.54,
        },
    )
    for values in findings:
        services.finding_add(actor=doctor, evaluation=evaluation, **values)
    ctx.lines.append(
        f"Documented case (consents, interview, evaluation): {case.number}, "
        f"sign in as {lawyer.email} or {doctor.email}."
    )

"""Demo letters (fictional): the whole cycle on the Kazakhstan demo lawyer's cases, and
one letter in Tajikistan, where no answer deadline is verified.

In demo-kz, the lawyer's first case (the documented one) holds a statement to the
regional prosecutor sent six weeks ago and not answered (overdue: it is on the lawyer's
dashboard) and an appeal to the Ombudsman answered with a refusal; the second case a
draft, a signed-off letter and one sent two days ago (waiting). In demo-tj, a letter to
the Ombudsman sent a month ago: its due date is unknown, and the page says why.

Dates count back from the day the demo is loaded. Consent to sharing is recorded where
a case lacks it, since no letter is made without it. Loaded once per organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from himoya.cases.models import Case
from himoya.core.demo_loader import DemoContext
from himoya.documentation import services as documentation
from himoya.documentation.models import Consent, ConsentKind
from himoya.letters import generation, services
from himoya.letters.models import Letter, LetterTemplate, Recipient

FACTS = (
    "Задержанного избили в изоляторе временного содержания, требуя подписать признание; "
    "на теле остались кровоподтёки (вымышленные обстоятельства)."
)


def load(ctx: DemoContext) -> None:
    today = timezone.localdate()
    kz = _cases(ctx, "demo-kz", 2)
    if len(kz) == 2:
        lawyer = ctx.objects["user:demo-kz:lawyer"]
        first, second = kz
        prosecutor = _recipient("KZ", "prosecutor_regional")
        ombudsman = _recipient("KZ", "ombudsman")
        overdue = _make(ctx, lawyer, first, prosecutor, "torture-statement-prosecutor")
        _send(lawyer, overdue, today - dt.timedelta(days=42), "Исх. 14/демо")
        answered = _make(ctx, lawyer, first, ombudsman, "ombudsman-appeal")
        _send(lawyer, answered, today - dt.timedelta(days=35), "Исх. 15/демо")
        services.letter_answer(
            actor=lawyer,
            letter=answered,
            answered_on=today - dt.timedelta(days=12),
            outcome="refused",
            note="Уполномоченный не усмотрел оснований для проверки (вымышленный ответ).",
        )
        _make(ctx, lawyer, second, ombudsman, "ombudsman-appeal")
        signed = _make(ctx, lawyer, second, prosecutor, "torture-statement-prosecutor")
        services.letter_sign(actor=lawyer, letter=signed)
        waiting = _make(
            ctx,
            lawyer,
            second,
            _recipient("KZ", "prosecutor_general"),
            "torture-statement-prosecutor",
        )
        _send(lawyer, waiting, today - dt.timedelta(days=2), "Исх. 16/демо")
    tj = _cases(ctx, "demo-tj", 1)
    if tj:
        lawyer = ctx.objects["user:demo-tj:lawyer"]
        letter = _make(ctx, lawyer, tj[0], _recipient("TJ", "ombudsman"), "ombudsman-appeal")
        _send(lawyer, letter, today - dt.timedelta(days=30), "№ 7/демо")
    ctx.lines.append(
        "Demo letters: drafted, signed off, sent, answered and overdue (demo-kz), and one "
        "with no verified deadline (demo-tj)."
    )


def _cases(ctx: DemoContext, slug: str, count: int) -> list[Case]:
    org = ctx.objects.get(f"org:{slug}")
    lawyer = ctx.objects.get(f"user:{slug}:lawyer")
    if org is None or lawyer is None or Letter.objects.filter(case__organisation=org).exists():
        return []
    return list(Case.objects.filter(organisation=org, lawyer=lawyer).order_by("pk")[:count])


def _recipient(country: str, kind: str) -> Recipient:
    return Recipient.objects.filter(country=country, kind=kind, active=True).order_by("pk")[0]


def _consent(ctx: DemoContext, lawyer: Any, case: Case) -> None:
    given = timezone.localdate() - dt.timedelta(days=50)
    for person in documentation.victims(case):
        if not Consent.objects.filter(
            case=case, person=person, kind=ConsentKind.SHARING, revoked_at__isnull=True
        ).exists():
            documentation.consent_record(
                actor=ctx.actor,
                case=case,
                person=person,
                kind=ConsentKind.SHARING,
                given_on=min(given, timezone.localdate()),
                taken_by=lawyer,
                recipients="Прокуратура; Уполномоченный по правам человека (вымышлено)",
            )


def _make(ctx: DemoContext, lawyer: Any, case: Case, recipient: Recipient, code: str) -> Letter:
    _consent(ctx, lawyer, case)
    template = LetterTemplate.objects.filter(code=code, language="ru").order_by("-version")[0]
    data = services.case_prefill(case, recipient)
    data["place"] = data["place"] or "ИВС районного отдела полиции (вымышленный)"
    data["events_date"] = data["events_date"] or services.letter_date(case.opened_on)
    data["facts"] = data["facts"] or FACTS
    data["victim_name"] = data["victim_name"] or "Пострадавший (вымышленный)"
    data["city"] = "Алматы" if case.country == "KZ" else "Душанбе"
    letter = services.letter_create(
        actor=lawyer, case=case, recipient=recipient, template=template, data=data
    )
    # The demo is loaded with no worker running: its letters are made here, and the job
    # queued on commit finds them ready.
    generation.generate_stored(actor=lawyer, letter_id=letter.pk)
    return Letter.objects.get(pk=letter.pk)


def _send(lawyer: Any, letter: Letter, sent_on: dt.date, number: str) -> None:
    signed = services.letter_sign(actor=lawyer, letter=letter)
    services.letter_dispatch(
        actor=lawyer, letter=signed, sent_on=sent_on, channel="post", outgoing_number=number
    )

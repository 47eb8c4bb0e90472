"""The evaluation report, made on demand (``documentation.report``): PDF (WeasyPrint)
and DOCX (python-docx, diagrams as a Pillow PNG), in Russian and Kazakh, for an
evaluation with every Annex IV section written (about 600 words) and 12 findings, 10
of them marked on the diagrams.

    HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench .venv/bin/python -m bench.run --only evaluation_report

Each figure is the whole service call as a download makes it: the policy check, reading
and decrypting the evaluation, rendering, and the ``evaluation.report`` audit event.
Memory: the peak of Python allocations during one call (``tracemalloc``; WeasyPrint's
Pango and cairo work outside it) and the process's peak RSS after all runs, against
its value before the first one.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
import tracemalloc
from typing import Any

from bench.populate import populate
from bench.run import Context, benchmark, log, summary, timings
from himoya.accounts.models import Organisation, Role, Team, User
from himoya.cases.models import Case
from himoya.core.policies import SystemActor
from himoya.documentation import report, services
from himoya.documentation.models import (
    EVALUATION_SECTIONS,
    BodyRegion,
    ConsentKind,
    Consistency,
    DiagramView,
    Evaluation,
    FindingType,
)

FINDINGS = 12
TEXT = (
    "арқада көкшіл қанталау жолақ тәрізді ұзындығы шамамен сантиметр ісіну ауырсыну "
    "қозғалғанда күшейеді шеттері анық емес түсі сарғыш жасыл бірнеше күн бұрын пайда болған"
)
WORDS = TEXT.split()


def _text(words: int, offset: int) -> str:
    return " ".join(WORDS[(offset + i) % len(WORDS)] for i in range(words))


def _evaluation() -> tuple[User, Evaluation]:
    org, _ = Organisation.objects.get_or_create(
        slug="bench-report", defaults={"name": "Bench report", "country": "KZ"}
    )
    if not org.cases.exists():
        populate(org, 1, seed=11)
    case = Case.objects.filter(organisation=org).order_by("pk").first()
    assert case is not None
    doctor, _ = User.objects.get_or_create(
        email="bench-report-doctor@bench-report.invalid",
        defaults={"full_name": "Дәрігерова Сәуле", "organisation": org, "role": Role.DOCTOR},
    )
    team, _ = Team.objects.get_or_create(organisation=org, name="Bench report team")
    team.members.add(doctor)
    Case.objects.filter(pk=case.pk).update(team=team)
    case.refresh_from_db()
    existing = Evaluation.objects.filter(case=case).first()
    if existing is not None:
        return doctor, existing
    person = case.parties.filter(role="victim").first().person  # type: ignore[union-attr]
    system = SystemActor("bench:report")
    today = dt.date.today()  # noqa: DTZ011
    services.consent_record(
        actor=system,
        case=case,
        person=person,
        kind=ConsentKind.EXAMINATION,
        given_on=today,
        taken_by=doctor,
    )
    sections = {name: _text(40, i) for i, (name, _label) in enumerate(EVALUATION_SECTIONS)}
    evaluation = services.evaluation_record(
        actor=doctor,
        case=case,
        person=person,
        kind="medical",
        examined_on=today,
        overall=Consistency.HIGHLY_CONSISTENT,
        truthful=True,
        sections=sections,
    )
    types, regions, views = FindingType.values, BodyRegion.values, DiagramView.values
    for i in range(FINDINGS):
        marked = i < 10
        services.finding_add(
            actor=doctor,
            evaluation=evaluation,
            type=types[i % len(types)],
            region=regions[i % len(regions)],
            rating=Consistency.values[i % 5],
            size=f"{i + 1} x {i + 2} см",
            colour="көкшіл-күлгін",
            age_estimate="3–5 күн",
            description=_text(12, i),
            view=views[i % 4] if marked else "",
            x=0.3 + 0.04 * i if marked else None,
            y=0.1 + 0.07 * i if marked else None,
        )
    return doctor, evaluation


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@benchmark("evaluation_report")
def evaluation_report(ctx: Context) -> dict[str, Any]:
    doctor, evaluation = _evaluation()
    evaluation = Evaluation.objects.select_related("case", "person", "clinician").get(
        pk=evaluation.pk
    )
    figures: dict[str, Any] = {"rss_before_mb": round(_rss_mb(), 1)}
    for fmt in ("pdf", "docx"):
        for language in ("ru", "kk"):

            def make(fmt: str = fmt, language: str = language) -> bytes:
                return report.evaluation_report(
                    actor=doctor, evaluation=evaluation, format=fmt, language=language
                ).content

            log(f"{fmt} {language} ...")
            first = time.perf_counter()
            size = len(make())
            cold = time.perf_counter() - first
            seconds = timings(make, ctx.runs)
            tracemalloc.start()
            make()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            figures[f"{fmt}_{language}"] = {
                **summary(seconds),
                "first_call_ms": round(cold * 1000, 1),
                "bytes": size,
                "python_peak_mb": round(peak / 2**20, 1),
            }
    figures["rss_after_mb"] = round(_rss_mb(), 1)
    return figures

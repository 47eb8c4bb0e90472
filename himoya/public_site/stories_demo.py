"""Demo content of the public site's stories, publications and reports, in the four
languages (everything invented). Stories go the way real ones do: the demo case's lawyer
proposes one per language from the case, with the victim's publication consent, and the
coordinator approves it; some demo publications are marked public; the reports page
carries a generated annual report and publishes the statistics of the last two years."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from himoya.cases.models import Case
from himoya.core.demo_loader import DemoContext
from himoya.documentation import services as documentation
from himoya.documentation.models import Consent, ConsentKind
from himoya.outreach.models import Publication
from himoya.outreach.services import publication_update
from himoya.public_site import content
from himoya.public_site.models import HomePage
from himoya.public_site.reports import ReportsPage
from himoya.public_site.stories import StoryIndexPage
from himoya.public_site.story_services import story_approve, story_propose

SLUG = "demo-kz"
LANGUAGES = ("ru", "kk", "tg", "en")

INDEX = {
    "ru": (
        "Истории",
        "<p>Истории людей, которым помогли юристы и врачи (с их согласия, без имён).</p>",
    ),
    "kk": (
        "Оқиғалар",
        "<p>Заңгерлер мен дәрігерлер көмектескен адамдардың оқиғалары "
        "(келісімімен, аттарынсыз).</p>",
    ),
    "tg": (
        "Ҳикояҳо",
        "<p>Ҳикояҳои одамоне, ки ҳуқуқшиносон ва табибон ба онҳо ёрӣ расониданд "
        "(бо розигии онҳо, бе ном).</p>",
    ),
    "en": (
        "Stories",
        "<p>Stories of people whom lawyers and doctors helped "
        "(with their consent, without names).</p>",
    ),
}

STORY = {
    "ru": (
        "Признание, которое не подписали (демо)",
        "Как жалоба и медицинское освидетельствование остановили давление в изоляторе.",
        "Молодого мужчину задержали вечером и ночью били в изоляторе, требуя подписать "
        "признание.\n\nРодственники позвонили на горячую линию. Юрист пришёл на следующий "
        "день, добился осмотра врача и подал жалобу прокурору. Давление прекратилось, "
        "проверка по жалобе идёт.\n\nВсе детали этой истории вымышлены.",
    ),
    "kk": (
        "Қол қойылмаған мойындау (демо)",
        "Шағым мен медициналық куәландыру изолятордағы қысымды қалай тоқтатты.",
        "Жас жігітті кешке ұстап, түнде изоляторда ұрып, мойындауға қол қоюды талап "
        "етті.\n\nТуыстары сенім телефонына хабарласты. Келесі күні заңгер келіп, "
        "дәрігердің тексеруін талап етті және прокурорға шағым берді. Қысым тоқтады, "
        "шағым бойынша тексеру жүріп жатыр.\n\nБұл оқиғаның барлық егжей-тегжейі ойдан "
        "шығарылған.",
    ),
    "tg": (
        "Иқроре, ки имзо нашуд (намоишӣ)",
        "Чӣ тавр шикоят ва ташхиси тиббӣ фишорро дар тавқифгоҳ боз дошт.",
        "Ҷавонеро бегоҳӣ боздошт карданд ва шабона дар тавқифгоҳ зада, талаб карданд, ки "
        "иқрорро имзо кунад.\n\nХешовандонаш ба хати боварӣ занг заданд. Рӯзи дигар "
        "ҳуқуқшинос омад, ташхиси табибро талаб кард ва ба прокурор шикоят навишт. Фишор "
        "қатъ шуд, тафтиши шикоят идома дорад.\n\nҲамаи ҷузъиёти ин ҳикоя бофта аст.",
    ),
    "en": (
        "The confession that was never signed (demo)",
        "How a complaint and a medical examination stopped the pressure in a detention centre.",
        "A young man was detained one evening and beaten at night in a detention centre to "
        "make him sign a confession.\n\nHis relatives called the hotline. A lawyer came the "
        "next day, obtained a doctor's examination and complained to the prosecutor. The "
        "pressure stopped; the complaint is being examined.\n\nEvery detail of this story is "
        "invented.",
    ),
}

REPORTS = {
    "ru": (
        "Отчёты и статистика",
        "<p>Годовые отчёты организации и обобщённые цифры за год.</p>",
        "Годовой отчёт за {year} год (демо)",
    ),
    "kk": (
        "Есептер мен статистика",
        "<p>Ұйымның жылдық есептері мен жылдық жинақталған сандар.</p>",
        "{year} жылғы жылдық есеп (демо)",
    ),
    "tg": (
        "Ҳисоботҳо ва омор",
        "<p>Ҳисоботҳои солонаи ташкилот ва рақамҳои умумии сол.</p>",
        "Ҳисоботи солона барои соли {year} (намоишӣ)",
    ),
    "en": (
        "Reports and statistics",
        "<p>The organisation's annual reports and yearly figures in aggregate.</p>",
        "Annual report {year} (demo)",
    ),
}


def load(ctx: DemoContext) -> None:
    home = HomePage.objects.filter(locale=content.locale(settings.LANGUAGE_CODE)).first()
    if home is None or StoryIndexPage.objects.exists():
        return
    _stories(ctx, home)
    _publications(ctx)
    _reports(home)
    ctx.lines.append(
        "Public site: four demo stories (ru, kk, tg, en), public publications, "
        "the reports page with statistics."
    )


def _translated(home: HomePage, page: StoryIndexPage, texts: dict[str, tuple[str, str]]) -> None:
    content.child_page(home, page)
    for code in LANGUAGES[1:]:
        if home.get_translation_or_none(content.locale(code)) is None:
            continue
        title, intro = texts[code]
        content.translation(page, code, title=title, intro=intro)


def _stories(ctx: DemoContext, home: HomePage) -> None:
    title, intro = INDEX["ru"]
    index = StoryIndexPage(title=title, slug="stories", intro=intro, show_in_menus=True)
    _translated(home, index, INDEX)
    organisation = ctx.objects.get(f"org:{SLUG}")
    lawyer = ctx.objects.get(f"user:{SLUG}:lawyer")
    coordinator = ctx.objects.get(f"user:{SLUG}:coordinator")
    # Not the first of the lawyer's cases: documentation's demo documents that one.
    cases = list(Case.objects.filter(organisation=organisation, lawyer=lawyer).order_by("pk")[:2])
    if not cases or coordinator is None:
        return
    case = cases[-1]
    given = timezone.localdate()
    for victim in documentation.victims(case):
        if not Consent.objects.filter(
            case=case, person=victim, kind=ConsentKind.PUBLICATION, revoked_at__isnull=True
        ).exists():
            documentation.consent_record(
                actor=ctx.actor,
                case=case,
                person=victim,
                kind=ConsentKind.PUBLICATION,
                given_on=given,
                taken_by=lawyer,
            )
    for code in LANGUAGES:
        if index.get_translation_or_none(content.locale(code)) is None:
            continue
        title, summary, body = STORY[code]
        review = story_propose(
            actor=lawyer, case=case, language=code, title=title, summary=summary, body=body
        )
        story_approve(
            actor=coordinator,
            review=review,
            no_names=True,
            no_identifying_details=True,
            no_faces=True,
        )


def _publications(ctx: DemoContext) -> None:
    """Two of every three demo publications are marked public."""
    rows = Publication.objects.filter(organisation__slug=SLUG, public=False).order_by("external_id")
    for n, publication in enumerate(rows):
        if n % 3 == 2:
            continue
        publication_update(
            actor=ctx.actor,
            publication=publication,
            published_on=publication.published_on,
            language=publication.language,
            title=publication.title,
            kind=publication.kind,
            url=publication.url,
            public=True,
        )


def _annual_report(year: int) -> Document:
    from weasyprint import HTML

    pdf = HTML(
        string=(
            f"<h1>Годовой отчёт {year} (демо)</h1><p>Демо-организация «Himoya KZ». "
            "Все сведения вымышлены.</p>"
        )
    ).write_pdf()
    document = Document(title=f"Годовой отчёт {year} (демо)")
    document.file.save(f"annual-report-{year}-demo.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def _reports(home: HomePage) -> None:
    last = timezone.localdate().year - 1
    document = _annual_report(last)

    def fields(code: str) -> dict[str, Any]:
        title, intro, report = REPORTS[code]
        block = {"year": last, "title": report.format(year=last), "document": document}
        return {"title": title, "intro": intro, "reports": [("report", block)]}

    page = ReportsPage(
        slug="reports",
        show_in_menus=True,
        statistics_years=[("year", last + 1), ("year", last)],
        **fields("ru"),
    )
    content.child_page(home, page)
    for code in LANGUAGES[1:]:
        if home.get_translation_or_none(content.locale(code)) is not None:
            content.translation(page, code, **fields(code))

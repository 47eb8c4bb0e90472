"""Demo publications and trainings, brought in the way real ones are: through the
register imports (the same services as ``himoya import-publications`` and
``himoya import-trainings`` and the staff import page). Dates count back from the day
the demo is loaded; each register is loaded once per organisation."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone

from himoya.core.demo_loader import DemoContext
from himoya.imports.services import import_publications
from himoya.imports.trainings import import_trainings
from himoya.outreach.models import Publication, Training

PUBLICATION_TITLES = {
    "ru": "Как задокументировать следы пыток: памятка (демо), выпуск {n}",
    "kk": "Азаптау іздерін қалай құжаттауға болады: жадынама (демо), {n}-шығарылым",
    "tg": "Чӣ тавр осори шиканҷаро ҳуҷҷатгузорӣ кардан мумкин аст: дастур (демо), шумораи {n}",
    "en": "How to document signs of torture: a guide (demo), issue {n}",
}


def load(ctx: DemoContext) -> None:
    today = timezone.localdate()
    for slug, languages in (("demo-kz", ("ru", "kk", "en")), ("demo-tj", ("tg", "ru", "en"))):
        _publications(ctx, slug, languages, today)
        _trainings(ctx, slug, languages, today)
    ctx.lines.append("Demo publications: 24 per organisation over two years, in three languages.")
    ctx.lines.append("Demo trainings and seminars: 10 per organisation over two years.")


def _publications(ctx: DemoContext, slug: str, languages: tuple[str, ...], today: dt.date) -> None:
    """The organisation's media materials, through the register import."""
    organisation = ctx.objects[f"org:{slug}"]
    if Publication.objects.filter(organisation=organisation).exists():
        return
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "published_on", "language", "title", "kind"])
    kinds = ["article", "video", "social", "radio", "report"]
    for n in range(1, 25):
        language = languages[n % len(languages)]
        writer.writerow(
            [
                f"DEMO-PUB-{n:03d}",
                (today - dt.timedelta(days=n * 29)).isoformat(),
                language,
                PUBLICATION_TITLES[language].format(n=n),
                kinds[n % len(kinds)],
            ]
        )
    import_publications(
        actor=ctx.actor,
        organisation=organisation,
        source=io.BytesIO(out.getvalue().encode("utf-8")),
    )


# (topic by language, audiences, participants): invented seminars; the first is
# seed 001's role play with penitentiary staff, the second seed 002's lawyers' training.
TRAININGS = [
    (
        {
            "ru": "Ролевая игра: как распознать и задокументировать пытки (демо)",
            "kk": "Рөлдік ойын: азаптауды қалай анықтап, құжаттауға болады (демо)",
            "tg": "Бозии нақшӣ: чӣ тавр шиканҷаро шинохта ва ҳуҷҷатгузорӣ кардан (демо)",
        },
        "penitentiary_staff",
        50,
    ),
    (
        {
            "ru": "Тренинг для адвокатов: жалобы на пытки и защита заявителя (демо)",
            "kk": "Адвокаттарға арналған тренинг: азаптау туралы шағымдар (демо)",
            "tg": "Омӯзиш барои адвокатҳо: шикоят аз шиканҷа ва ҳимояи аризадиҳанда (демо)",
        },
        "lawyers",
        18,
    ),
    (
        {
            "ru": "Стамбульский протокол для врачей и психологов (демо)",
            "kk": "Дәрігерлер мен психологтарға арналған Стамбул хаттамасы (демо)",
            "tg": "Протоколи Истанбул барои табибон ва равоншиносон (демо)",
        },
        "medical_staff;ngo",
        24,
    ),
    (
        {
            "ru": "Семинар для прокуроров и судей: расследование пыток (демо)",
            "kk": "Прокурорлар мен судьяларға арналған семинар: азаптауды тергеу (демо)",
            "tg": "Семинар барои прокурорҳо ва судяҳо: тафтиши шиканҷа (демо)",
        },
        "prosecutors;judges",
        30,
    ),
    (
        {
            "ru": "Права задержанных в первые часы: встреча с сотрудниками полиции (демо)",
            "kk": "Ұсталғандардың алғашқы сағаттардағы құқықтары: полициямен кездесу (демо)",
            "tg": "Ҳуқуқҳои боздоштшудагон дар соатҳои аввал: вохӯрӣ бо полис (демо)",
        },
        "police",
        40,
    ),
]

PLACES = {
    "demo-kz": ["Караганда", "Алматы", "Астана", ""],
    "demo-tj": ["Душанбе", "Худжанд", "Бохтар", ""],
}


def _trainings(ctx: DemoContext, slug: str, languages: tuple[str, ...], today: dt.date) -> None:
    """The organisation's seminars, through the trainings import."""
    organisation = ctx.objects[f"org:{slug}"]
    if Training.objects.filter(organisation=organisation).exists():
        return
    local = [code for code in languages if code != "en"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["external_id", "held_on", "topic", "audience", "participants", "language", "place"]
    )
    for n in range(1, 11):
        topics, audience, participants = TRAININGS[(n - 1) % len(TRAININGS)]
        language = local[n % len(local)]
        writer.writerow(
            [
                f"DEMO-TRN-{n:03d}",
                (today - dt.timedelta(days=n * 67 - 60)).isoformat(),
                topics[language],
                audience,
                participants + n,
                language,
                PLACES[slug][n % 4],
            ]
        )
    import_trainings(
        actor=ctx.actor,
        organisation=organisation,
        source=io.BytesIO(out.getvalue().encode("utf-8")),
    )

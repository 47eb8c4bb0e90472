"""Demo publications, brought in the way real ones are: through the register import."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone

from himoya.core.demo_loader import DemoContext
from himoya.imports.services import import_publications
from himoya.outreach.models import Publication

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
    ctx.lines.append("Demo publications: 24 per organisation over two years, in three languages.")


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

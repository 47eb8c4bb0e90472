"""Demo content of the public site: the home page in the four languages (fictional
organisation); the pages below it are in ``pages_demo``; the shipped letter templates
offered for self-help, as a coordinator would offer them."""

from __future__ import annotations

from himoya.core.demo_loader import DemoContext
from himoya.letters.models import LetterTemplate
from himoya.letters.selfhelp import template_set_public
from himoya.public_site import content, legal_demo, lessons_demo, pages_demo, stories_demo

HOME = {
    "ru": (
        "Помощь людям, пострадавшим от пыток",
        "<p>Если вас или вашего родственника пытали, избивали или запугивали в полиции, "
        "изоляторе или колонии, юристы и врачи демо-организации помогут бесплатно.</p>",
    ),
    "kk": (
        "Азаптаудан зардап шеккендерге көмек",
        "<p>Егер сізді немесе туысыңызды полицияда, изоляторда немесе колонияда азаптаса, "
        "ұрып-соқса не қорқытса, демо-ұйымның заңгерлері мен дәрігерлері тегін көмектеседі.</p>",
    ),
    "tg": (
        "Ёрӣ ба одамоне, ки аз шиканҷа осеб дидаанд",
        "<p>Агар шумо ё хешованди шуморо дар милиса, тавқифгоҳ ё колония шиканҷа карда, "
        "латукӯб ё тарсонда бошанд, ҳуқуқшиносон ва табибони ташкилоти намоишӣ ройгон ёрӣ "
        "мерасонанд.</p>",
    ),
    "en": (
        "Help for people who suffered torture",
        "<p>If you or a relative were tortured, beaten or threatened by the police, in a "
        "detention centre or a colony, the demo organisation's lawyers and doctors help "
        "free of charge.</p>",
    ),
}


def load(ctx: DemoContext) -> None:
    title, intro = HOME["ru"]
    home = content.home_page(title=title, intro=intro)
    for code in ("kk", "tg", "en"):
        title, intro = HOME[code]
        if home.get_translation_or_none(content.locale(code)) is None:
            content.translation(home, code, title=title, intro=intro)
    pages_demo.load(ctx, home)
    legal_demo.load(home)
    stories_demo.load(ctx)
    lessons_demo.load(ctx, home)
    for code in ("torture-statement-prosecutor", "ombudsman-appeal"):
        shipped = LetterTemplate.objects.filter(code=code, language="ru").order_by("-version")
        if shipped:
            template_set_public(actor=ctx.actor, template=shipped[0], public=True)

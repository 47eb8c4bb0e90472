"""Demo content of the public site: the home page in the four languages (fictional
organisation); the pages below it are in ``pages_demo``; the shipped letter templates
offered for self-help, as a coordinator would offer them."""

from __future__ import annotations

from himoya.core.demo_loader import DemoContext
from himoya.letters.models import LetterTemplate, Recipient
from himoya.letters.selfhelp import template_set_public
from himoya.letters.shipped import load_shipped
from himoya.public_site import content, legal_demo, lessons_demo, pages_demo, stories_demo

# The letter templates offered to people who write on their own, in every language
# shipped: a statement of torture, an appeal to the Ombudsman, and the two requests
# relatives make first.
PUBLIC_TEMPLATES = (
    "torture-statement-prosecutor",
    "ombudsman-appeal",
    "whereabouts-request",
    "medical-examination-request",
)

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
    # The shipped letter templates back the steps page's forms and the self-help pages;
    # their migration loaded them, but a flushed database (a test's cleanup) has none.
    load_shipped(Recipient, LetterTemplate)
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
    for template in LetterTemplate.objects.filter(code__in=PUBLIC_TEMPLATES):
        newer = LetterTemplate.objects.filter(
            code=template.code, language=template.language, version__gt=template.version
        )
        if not template.public and not newer.exists():
            template_set_public(actor=ctx.actor, template=template, public=True)

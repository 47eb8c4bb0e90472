"""Demo pages of the public site below each language's home page: the seven steps,
know your rights, about the organisation, contacts and privacy (fictional organisation;
legal facts from the project's domain reference, domain.md). Each page is written in
Russian and made a Wagtail translation in Kazakh, Tajik and English, so hreflang and the
language switcher link the four. Idempotent: a page or document already there is kept
as it is (an editor may have changed it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Page

from himoya.accounts.models import User
from himoya.core.demo_loader import DEMO_EMAIL_DOMAIN, DemoContext
from himoya.letters.models import LetterTemplate
from himoya.letters.selfhelp import blank_form
from himoya.public_site import content
from himoya.public_site.editing import ContentRole, content_role_set
from himoya.public_site.models import ContactsPage, ContentPage, StepsPage
from himoya.public_site.pages_demo_steps import STEPS
from himoya.public_site.pages_demo_text import ABOUT, CONTACTS, PRIVACY, RIGHTS

LANGUAGES = ("kk", "tg", "en")
# The letters app's shipped templates, offered for download on the steps that use them
# as blank forms (``letters.selfhelp.blank_form``), in the page's language where the
# template is written in it (no English: the bodies of Kazakhstan and Tajikistan do not
# take letters in English, so the English page offers the Russian form and says so).
TEMPLATES = {"prosecutor": "torture-statement-prosecutor", "ombudsman": "ombudsman-appeal"}
TITLES = {
    ("prosecutor", "ru"): "Заявление о пытках в прокуратуру (образец)",
    ("prosecutor", "kk"): "Азаптау туралы прокуратураға арыз (үлгі)",
    ("prosecutor", "tg"): "Ариза дар бораи шиканҷа ба прокуратура (намуна)",
    ("ombudsman", "ru"): "Обращение к Уполномоченному (образец)",
    ("ombudsman", "kk"): "Адам құқықтары жөніндегі уәкілге өтініш (үлгі)",
    ("ombudsman", "tg"): "Муроҷиат ба Ваколатдор оид ба ҳуқуқи инсон (намуна)",
}
# Demo accounts of the organisation running the site that edit and moderate its pages.
EDITORS = {"monitor": ContentRole.EDITOR, "coordinator": ContentRole.MODERATOR}


def _documents(language: str) -> dict[str, Any]:
    document_model = get_document_model()
    written = language if language in ("ru", "kk", "tg") else "ru"
    found = {}
    for key, code in TEMPLATES.items():
        title = TITLES[(key, written)]
        document = document_model.objects.filter(title=title).first()
        template = (
            LetterTemplate.objects.filter(code=code, language=written).order_by("-version").first()
        )
        if document is None and template is not None:
            form = ContentFile(blank_form(template), name=f"{code}.{written}.docx")
            document = document_model(title=title, file=form)
            document._set_document_file_metadata()
            document.save()
        found[key] = document
    return found


def _steps_fields(language: str) -> dict[str, Any]:
    text = STEPS[language]
    documents = _documents(language)
    return {
        "title": text["title"],
        "intro": text["intro"],
        "steps": [
            (
                "step",
                {
                    "title": title,
                    "meaning": meaning,
                    "where": where,
                    "template_document": documents.get(template or ""),
                },
            )
            for title, meaning, where, template in text["steps"]
        ],
    }


def _content_fields(text: dict[str, Any]) -> dict[str, Any]:
    body: list[tuple[str, str]] = []
    for heading, html in text["sections"]:
        body += [("heading", heading), ("text", html)]
    return {"title": text["title"], "intro": text["intro"], "body": body}


def _page(home: Page, slug: str, model: type[Page], fields: dict[str, dict[str, Any]]) -> Page:
    page = home.get_children().filter(slug=slug).first()
    if page is None:
        page = content.child_page(home, model(slug=slug, show_in_menus=True, **fields["ru"]))
    for code in LANGUAGES:
        if page.get_translation_or_none(content.locale(code)) is None:
            content.translation(page, code, **fields[code])
    return page


def _editors(ctx: DemoContext) -> None:
    slug = settings.HIMOYA_PUBLIC_ORGANISATION
    for local, role in EDITORS.items():
        member = User.objects.filter(email=f"{local}.{slug}@{DEMO_EMAIL_DOMAIN}").first()
        if member is not None:
            content_role_set(actor=ctx.actor, member=member, role=role)
            ctx.lines.append(f"Public site {role}: {member.email} (/staff/cms/)")


def load(ctx: DemoContext, home: Page) -> None:
    languages = ("ru", *LANGUAGES)
    _page(home, "steps", StepsPage, {c: _steps_fields(c) for c in languages})
    for slug, model, text in [
        ("rights", ContentPage, RIGHTS),
        ("about", ContentPage, ABOUT),
        ("contacts", ContactsPage, CONTACTS),
        ("privacy", ContentPage, PRIVACY),
    ]:
        if model is ContactsPage:
            fields = {c: {"title": text[c]["title"], "intro": text[c]["intro"]} for c in languages}
        else:
            fields = {c: _content_fields(text[c]) for c in languages}
        _page(home, slug, model, fields)
    _editors(ctx)

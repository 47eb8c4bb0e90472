"""The whole review of a story in a browser, in Russian: a lawyer proposes it from the
case page, a coordinator sends it back with a note, the lawyer reads the note on the case
page, edits the text and sends it again, the coordinator approves it, and a visitor reads
the new text on the public site. Then a Kazakh story's public page is in Kazakh."""

from __future__ import annotations

from typing import Any

import pytest

from himoya.accounts.models import Role
from himoya.cases.services import PersonInput
from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.public_site import story_services
from himoya.public_site.stories import StoryReview
from tests.browser_helpers import PageGuard, login
from tests.documentation.conftest import TODAY
from tests.factories import TeamFactory, UserFactory, open_case
from tests.public_site.stories_site import build_stories_site

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Жалоба, которая сработала (тест)"
FIRST = "Юриста Ахметова пустили к задержанному только через сутки."
SECOND = "Юриста пустили к задержанному только через сутки.\n\nЖалоба прокурору помогла."
PUBLISHED = "История опубликована."
NOTE = "Уберите фамилию юриста: по ней узнают дело."


def _world(org: Any) -> dict[str, Any]:
    team = TeamFactory(organisation=org, name="Команда (тест)")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юристова Айгерим")
    lawyer.teams.add(team)
    case = open_case(lawyer, victim=PersonInput(full_name="Вымышленов Ерлан"), team=team.pk)
    documentation.consent_record(
        actor=lawyer,
        case=case,
        person=case.parties.get(role="victim").person,
        kind=ConsentKind.PUBLICATION,
        given_on=TODAY(),
    )
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, full_name="Координаторов")
    return {"lawyer": lawyer, "coordinator": coordinator, "case": case}


def _post(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_propose_send_back_edit_resubmit_approve_publish(browser, page, live_server, org):
    build_stories_site()
    world = _world(org)
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, world["lawyer"])
    case_url = f"{base}/staff/cases/{world['case'].pk}/"
    page.goto(case_url)
    page.click("#public-story summary")
    page.select_option("#public-story select[name=language]", "ru")
    page.fill("#public-story input[name=title]", TITLE)
    page.fill("#public-story textarea[name=body]", FIRST)
    _post(page, "#public-story form.story-form button[type=submit]")
    assert "ждёт проверки" in page.inner_text("#public-story")
    review = StoryReview.objects.get()

    reviewer_context = browser.new_context(locale="ru-RU")
    reviewer: Any = reviewer_context.new_page()
    reviewer.set_default_timeout(15000)
    try:
        login(reviewer, base, world["coordinator"])
        reviewer.goto(f"{base}/staff/stories/")
        with reviewer.expect_navigation():
            reviewer.get_by_role("link", name=TITLE).click()
        assert "Ахметова" in reviewer.inner_text("article.story-draft")
        reviewer.fill("form.story-send-back textarea[name=note]", NOTE)
        _post(reviewer, "form.story-send-back button[type=submit]")
        assert "История возвращена автору" in reviewer.content()

        # The author finds the note on the case page and edits the text.
        page.goto(case_url)
        panel = page.inner_text("#public-story")
        assert NOTE in panel and "возвращена на доработку" in panel
        with page.expect_navigation():
            page.get_by_role("link", name="Открыть историю").click()
        with page.expect_navigation():
            page.get_by_role("link", name="Изменить текст").click()
        assert "Ахметова" in page.input_value("textarea[name=body]")
        page.fill("textarea[name=body]", SECOND)
        _post(page, "form.story-edit button[type=submit]")
        assert "Новый текст сохранён." in page.content()
        _post(page, "form[action$='/resubmit/'] button")
        assert "История снова отправлена на проверку." in page.content()
        review.refresh_from_db()
        assert review.state == StoryReview.State.REVIEW

        reviewer.goto(f"{base}/staff/stories/{review.pk}/")
        text = reviewer.inner_text("article.story-draft")
        assert "Ахметова" not in text and "Жалоба прокурору помогла." in text
        for name in ("no_names", "no_identifying_details", "no_faces"):
            reviewer.check(f"form.story-approve input[name={name}]")
        _post(reviewer, "form.story-approve button[type=submit]")
        assert PUBLISHED in reviewer.content()
    finally:
        reviewer_context.close()

    review.refresh_from_db()
    assert review.state == StoryReview.State.PUBLISHED
    visitor_context = browser.new_context(java_script_enabled=False)
    visitor: Any = visitor_context.new_page()
    try:
        visitor.goto(f"{base}/ru/stories/")
        with visitor.expect_navigation():
            visitor.get_by_role("link", name=TITLE).click()
        story = visitor.inner_text("article")
        assert "Жалоба прокурору помогла." in story and "Ахметова" not in story
    finally:
        visitor_context.close()
    guard.assert_clean()


def test_a_kazakh_story_page_is_in_kazakh(browser, live_server, org):
    build_stories_site()
    world = _world(org)
    review = story_services.story_propose(
        actor=world["lawyer"],
        case=world["case"],
        language="kk",
        title="Шағым нәтиже берді (тест)",
        summary="",
        body="Заңгер прокурорға шағым жазды, қысым тоқтады.",
    )
    other = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    story_services.story_approve(
        actor=other, review=review, no_names=True, no_identifying_details=True, no_faces=True
    )
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    page: Any = context.new_page()
    try:
        page.goto(f"{live_server.url}/kk/")
        with page.expect_navigation():
            page.locator("nav.mainnav").get_by_role("link", name="Оқиғалар (тест)").click()
        with page.expect_navigation():
            page.get_by_role("link", name="Шағым нәтиже берді (тест)").click()
        assert page.locator("html").get_attribute("lang") == "kk"
        assert page.locator("h1").inner_text() == "Шағым нәтиже берді (тест)"
        article = page.inner_text("article")
        assert "қысым тоқтады" in article
        # The page's own words are Kazakh, not the Russian default.
        assert "Адамның келісімімен жарияланды." in article
        assert page.get_by_role("link", name="Барлық оқиғалар").count() == 1
        assert "Жарияланымдар" in page.inner_text("nav.mainnav")
        assert "Все истории" not in page.content() and "Публикации" not in page.content()
    finally:
        context.close()

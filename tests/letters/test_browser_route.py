"""The escalation route panel in a real browser, in Kazakh and Tajik: a case whose
prosecutor refused and whose appeal court decision is final."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from himoya.letters.models import LetterTemplate, Recipient
from himoya.letters.shipped import load_shipped
from tests.browser_helpers import PageGuard, login, shoot
from tests.letters.test_route import _final_appeal_decision, _refused_by_prosecutor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The panel's title, step 3, and the Committee against Torture's answer, by language.
SEEN = {
    "kk": (
        "Шағымдану бағдары",
        "Тұрғылықты жері бойынша прокуратураға арыз беру",
        "қабылдауға жарамды",
    ),
    "tg": (
        "Масири шикоят",
        "Бо ариза ба прокуратураи маҳалли зист муроҷиат кардан",
        "қобили қабул",
    ),
}


@pytest.mark.parametrize("language", ["kk", "tg"])
def test_the_route_panel_in_kazakh_and_tajik(page, live_server, staff, language):
    load_shipped(Recipient, LetterTemplate)
    _refused_by_prosecutor(staff)
    _final_appeal_decision(staff, dt.date(2025, 5, 5))
    secret = generate_totp_secret()
    TOTP.activate(staff.lawyer, secret)
    staff.lawyer.totp_secret = secret  # type: ignore[attr-defined]
    base = live_server.url
    guard = PageGuard(page, base)

    login(page, base, staff.lawyer)
    with page.expect_navigation():
        page.select_option("#language-select", language)
    page.goto(f"{base}/staff/cases/{staff.case.pk}/#route")
    title, step, admissible = SEEN[language]
    panel = page.locator("#route")
    assert title in panel.locator("h2").inner_text()
    prosecutor = panel.locator("li[data-step='prosecutor']")
    assert step in prosecutor.inner_text()
    assert "badge ok" in (prosecutor.locator(".badge").first.get_attribute("class") or "")
    cat = panel.locator(".route-admissibility[data-mechanism='cat']")
    assert cat.get_attribute("data-answer") == "yes"
    assert admissible in cat.inner_text()
    # The facts the answer rests on: the final decision, in the page's language.
    assert "Выдуманский областной суд" in cat.inner_text()
    shoot(page, f"case-route-{language}")
    guard.assert_clean()

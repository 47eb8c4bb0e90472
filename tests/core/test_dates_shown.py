"""Every date a staff page shows follows the one rule (``himoya.core.formats``): day-first
``dd.mm.yyyy`` in ru, kk and tg, ISO in en. The main pages are rendered with a date of
every kind on them, and any date-like text that does not have the language's shape
fails, so a new page or panel with its own format fails here too."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.core.formats import date_pattern, show_date, show_stored
from himoya.duty import services as duty
from himoya.outreach import services as outreach
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db

HIMOYA = Path(__file__).resolve().parents[2] / "himoya"
# Anything that reads as a numeric date: 2024-03-05, 05.03.2024, 3/5/24, 05.03.24.
DATE_LIKE = re.compile(r"(?<![\w.\-/])\d{1,4}[-./]\d{1,2}[-./]\d{2,4}(?![\w\-/]|\.\d)")


class _Text(HTMLParser):
    """The text a reader sees: no attributes (``<input type=date value=...>`` and
    ``<time datetime=...>`` carry ISO for machines), no scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def shown_dates(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return DATE_LIKE.findall(" ".join(parser.parts))


@pytest.fixture
def week(org: Any) -> dict[str, Any]:
    """A coordinator's organisation with a date of every kind on the main pages."""
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    today = timezone.localdate()
    case = open_case(
        coordinator,
        lawyer=lawyer.pk,
        events_from=today - dt.timedelta(days=40),
        events_to=today - dt.timedelta(days=35),
        urgency="emergency",
    )
    services.task_add(
        actor=coordinator,
        case=case,
        title="Запросить медицинские документы (тест)",
        due_on=today + dt.timedelta(days=2),
    )
    services.hearing_add(
        actor=coordinator,
        case=case,
        court="Алмалинский районный суд (тест)",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    services.note_add(actor=coordinator, case=case, text="Встреча с матерью заявителя (тест).")
    services.violation_add(
        actor=coordinator, case=case, type_code="torture", occurred_on=today - dt.timedelta(38)
    )
    now = timezone.now()
    duty.shift_add(
        actor=coordinator,
        organisation=org,
        lawyer=lawyer,
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(days=1),
    )
    outreach.publication_create(
        actor=coordinator,
        organisation=org,
        published_on=today - dt.timedelta(days=10),
        language="ru",
        title="Доклад о пытках в ИВС (тест)",
    )
    outreach.training_create(
        actor=coordinator,
        organisation=org,
        held_on=today - dt.timedelta(days=20),
        topic="Стамбульский протокол для адвокатов (тест)",
        audiences=["lawyers"],
        participants=18,
    )
    return {"coordinator": coordinator, "case": case}


PAGES = (
    "/staff/cases/dashboard/",
    "/staff/cases/",
    "/staff/cases/{case}/",
    "/staff/audit/",
    "/staff/register/stats/",
    "/staff/duty/",
    "/staff/outreach/publications/",
    "/staff/outreach/trainings/",
)


@pytest.mark.parametrize("language", ["ru", "kk", "tg", "en"])
def test_every_date_on_the_main_pages_follows_the_rule(week: Any, language: str) -> None:
    client = make_client(week["coordinator"])
    client.cookies["himoya_language"] = language
    pattern = date_pattern(language)
    seen = 0
    for url in PAGES:
        url = url.format(case=week["case"].pk)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == language, url
        dates = shown_dates(response.content.decode())
        wrong = [d for d in dates if not pattern.fullmatch(d)]
        assert not wrong, f"{url} in {language} shows {wrong}"
        seen += len(dates)
    # The pages above show at least: opened, events, task due, hearing, note, violation,
    # two shift times, the publication, the training and the audit log's times.
    assert seen >= 12


def test_the_rule_itself(settings: Any) -> None:
    day = dt.date(2024, 3, 5)
    for language, shown in (("ru", "05.03.2024"), ("kk", "05.03.2024"), ("tg", "05.03.2024")):
        with translation.override(language):
            assert show_date(day) == shown
            assert show_stored("2024-03-05") == shown
            assert show_stored("1990") == "1990"
    with translation.override("en"):
        assert show_date(day) == "2024-03-05"


def test_plain_date_boxes_read_the_shown_format(week: Any) -> None:
    """A date typed into a text box (a browser without date inputs) is read as shown."""
    from himoya.cases.forms import TaskForm

    field = TaskForm(organisation=week["coordinator"].organisation).fields["due_on"]
    for language in ("kk", "en"):
        with translation.override(language):
            assert field.clean("05.03.2030") == dt.date(2030, 3, 5)
            assert field.clean("2030-03-05") == dt.date(2030, 3, 5)


# Formats a template may name: the rule's names, and pieces that are not a date (a time,
# a weekday, the machine-readable ISO of ``<time datetime>``).
ALLOWED_TEMPLATE_FORMATS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "H:i",
    "H:i:s",
    "l",
    "c",
}


def test_templates_name_the_rule_not_a_format() -> None:
    wrong = []
    for path in sorted((HIMOYA / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for fmt in re.findall(r"\|(?:date|time):[\"']([^\"']*)[\"']", text):
            if fmt not in ALLOWED_TEMPLATE_FORMATS:
                wrong.append(f"{path.relative_to(HIMOYA)}: {fmt}")
    assert not wrong, "\n".join(wrong)


# Python that writes dates for machines (exports, the interchange files, file names).
# The schedule's times: parsed back by the schedule, and listed by an operator's command
# (``himoya schedule``, English and ISO like the other commands).
MACHINE_DATES = {
    "cases/exports.py",
    "cases/interchange_export.py",
    "imports/tables.py",
    "core/schedule.py",
    "core/management/commands/schedule.py",
}


def test_python_shows_dates_through_the_rule() -> None:
    wrong = []
    for path in sorted(HIMOYA.rglob("*.py")):
        rel = str(path.relative_to(HIMOYA))
        if "migrations" in path.parts or rel in MACHINE_DATES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ".strftime(" in line:
                wrong.append(f"{rel}:{n}: {line.strip()}")
    assert not wrong, "\n".join(wrong)

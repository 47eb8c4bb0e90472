"""Letters of a case: made only with the victims' consent to sharing, from a template
checked in its sandbox; signed off by a lawyer, sent, answered; files sealed, downloads
audited, every forbidden path refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from pypdf import PdfReader

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.letters import rendering, services
from himoya.letters.models import Letter, LetterStatus, LetterTemplate, Recipient
from tests.conftest import make_client
from tests.factories import UserFactory
from tests.letters.jobs import with_files

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _consent(staff):
    documentation.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.SHARING,
        recipients="Прокуратура, Уполномоченный по правам человека",
        given_on=dt.date.today(),  # noqa: DTZ011
    )


def _statement():
    return LetterTemplate.objects.get(code="torture-statement-prosecutor", language="ru")


def _prosecutor():
    return Recipient.objects.get(country="KZ", kind="prosecutor_general")


DATA = {
    "recipient_name": "Генеральная прокуратура",
    "applicant_name": "Заявителева Әсем Құрманқызы",
    "victim_name": "Документов Ерлан",
    "events_date": "12.02.2025",
    "place": "ИВС № 0 (вымышленный)",
    "facts": "Вымышленные обстоятельства: ұрып-соғу, қорқыту; ҷабрдида <не настоящий> & ко.",
    "country": "KZ",
    "date": "01.03.2025",
}


def _letter(staff, **data):
    _consent(staff)
    return with_files(
        lambda: services.letter_create(
            actor=staff.lawyer,
            case=staff.case,
            recipient=_prosecutor(),
            template=_statement(),
            data={**DATA, **data},
        )
    )


def test_a_letter_is_generated_with_kazakh_and_tajik_letters_and_sealed(staff, shipped):
    letter = _letter(staff)
    letter.refresh_from_db()
    docx = letter.docx.open("rb").read()
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "статьёй 146 Уголовного кодекса Республики Казахстан" in text
    assert "ұрып-соғу, қорқыту; ҷабрдида <не настоящий> & ко." in text
    pdf = PdfReader(io.BytesIO(letter.pdf.open("rb").read()))
    pdf_text = "".join(page.extract_text() for page in pdf.pages)
    for word in ("Заявителева", "Әсем", "Құрманқызы", "ұрып-соғу", "ҷабрдида", "ЗАЯВЛЕНИЕ"):
        assert word in pdf_text
    # At rest: the data is sealed, the files are in the encrypted storage.
    raw = Letter.objects.filter(pk=letter.pk).values_list("data", flat=True)[0]
    assert "Заявителева" not in str(raw)
    with open(letter.docx.path, "rb") as stored:
        assert stored.read(4) == b"HMYF"
    assert AuditEvent.objects.filter(action="letter.create").exists()


def test_a_missing_consent_is_named_and_nothing_is_made(staff, shipped, english):
    with pytest.raises(documentation.ConsentMissing) as exc:
        services.letter_create(
            actor=staff.lawyer,
            case=staff.case,
            recipient=_prosecutor(),
            template=_statement(),
            data=DATA,
        )
    assert "to share the information with named bodies" in exc.value.messages[0]
    assert not Letter.objects.exists()


def test_a_missing_required_field_is_named(staff, shipped, english):
    _consent(staff)
    with pytest.raises(ValidationError) as exc:
        services.letter_create(
            actor=staff.lawyer,
            case=staff.case,
            recipient=_prosecutor(),
            template=_statement(),
            data={**DATA, "facts": "  "},
        )
    assert exc.value.message_dict == {"facts": ["Fill in “Обстоятельства”."]}
    assert not Letter.objects.exists()


def test_the_cycle_sign_send_forward_answer(staff, shipped):
    letter = _letter(staff)
    with pytest.raises(PermissionDenied):  # only a lawyer signs off
        services.letter_sign(actor=staff.monitor, letter=letter)
    with pytest.raises(ValidationError):  # not sent before sign-off
        services.letter_dispatch(
            actor=staff.lawyer, letter=letter, sent_on=dt.date(2025, 3, 19), channel="post"
        )
    letter = services.letter_sign(actor=staff.lawyer, letter=letter)
    proof = SimpleUploadedFile("receipt.png", PNG)
    letter = services.letter_dispatch(
        actor=staff.lawyer,
        letter=letter,
        sent_on=dt.date(2025, 3, 19),
        channel="post",
        outgoing_number="Исх. 1/25",
        proof=proof,
    )
    # 15 working days (APK art. 76) across Nauryz 2025.
    assert letter.due_on == dt.date(2025, 4, 14) and letter.status == LetterStatus.SENT
    ombudsman = Recipient.objects.get(country="KZ", kind="ombudsman")
    letter = services.letter_answer(
        actor=staff.lawyer,
        letter=letter,
        answered_on=dt.date(2025, 4, 1),
        outcome="forwarded",
        forwarded_to=ombudsman,
    )
    # The clock restarts at the new body from the notice: 15 working days after 1 April.
    assert letter.status == LetterStatus.SENT and letter.clock_at == ombudsman
    assert letter.due_on == dt.date(2025, 4, 22)
    letter = services.letter_answer(
        actor=staff.lawyer,
        letter=letter,
        answered_on=dt.date(2025, 4, 20),
        outcome="refused",
        note="Отказано (вымышленный ответ).",
    )
    assert letter.status == LetterStatus.ANSWERED
    assert list(
        staff.case.events.filter(kind__startswith="letter.")
        .order_by("pk")
        .values_list("kind", flat=True)
    ) == ["letter.create", "letter.sign", "letter.dispatch", "letter.answer", "letter.answer"]


def test_a_template_with_a_syntax_error_is_refused_with_its_line(staff, english):
    content = _docx("Кому: {{ recipient_name }}", "Текст", "{% if facts %}без конца")
    with pytest.raises(rendering.TemplateRefused) as exc:
        rendering.check_template(content, rendering.parse_fields("facts|Facts|1"))
    assert exc.value.line == 3
    assert "line 3" in exc.value.messages[0] and "без конца" in exc.value.messages[0]


@pytest.mark.parametrize(
    "escape",
    [
        "{{ facts.__class__.__mro__ }}",
        "{{ facts['__class__'] }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ facts.format_map.__self__ }}",
        "{{ (facts|attr('__class__')) }}",
        "{{ lipsum() }}",
        "{{ undeclared_name }}",
    ],
)
def test_a_sandbox_escape_is_refused_on_upload(staff, escape, english):
    content = _docx("Первая строка", "Вторая", escape)
    with pytest.raises(rendering.TemplateRefused) as exc:
        services.template_upload(
            actor=staff.coordinator,
            code="escape",
            language="ru",
            title="Попытка",
            recipient_kinds=["ombudsman"],
            fields="facts|Facts|1",
            content=content,
        )
    assert exc.value.line == 3, exc.value.messages
    assert not LetterTemplate.objects.filter(code="escape").exists()


def test_a_template_upload_is_versioned_and_for_stewards_and_coordinators(staff, shipped):
    content = _docx("{{ recipient_name }}", "Обращение: {{ facts }}")
    with pytest.raises(PermissionDenied):
        services.template_upload(
            actor=staff.lawyer,
            code="ombudsman-appeal",
            language="ru",
            title="x",
            recipient_kinds=["ombudsman"],
            fields="facts|Facts|1",
            content=content,
        )
    new = services.template_upload(
        actor=staff.coordinator,
        code="ombudsman-appeal",
        language="ru",
        title="Обращение (новая редакция)",
        recipient_kinds=["ombudsman"],
        fields="recipient_name|Адресат|1\nfacts|Обстоятельства|1",
        content=content,
    )
    assert new.version == 2
    assert [
        t.version
        for t in services.current_templates()
        if t.code == "ombudsman-appeal" and t.language == "ru"
    ] == [2]


def test_recipients_are_kept_by_stewards_only(staff, shipped):
    recipient = _prosecutor()
    with pytest.raises(PermissionDenied):
        services.recipient_save(actor=staff.coordinator, recipient=recipient, address="x")
    steward = UserFactory(organisation=staff.case.organisation, role=Role.ANALYST, totp=False)
    from himoya.reference.models import Steward

    Steward.objects.create(user=steward)
    services.recipient_save(actor=steward, recipient=recipient, address="Астана (вымышленный)")
    assert Recipient.objects.get(pk=recipient.pk).address == "Астана (вымышленный)"


def test_unverified_facts_ship_unverified(shipped):
    tj = Recipient.objects.get(country="TJ", kind="prosecutor_general")
    assert not tj.verified and tj.rule is None and "VERIFY" in tj.legal_basis
    assert _prosecutor().verified and _prosecutor().rule.days == 15


def test_downloads_are_audited_and_other_readers_get_404(staff, shipped):
    letter = _letter(staff)
    client = make_client(staff.lawyer)
    response = client.get(f"/staff/letters/{letter.pk}/file/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="letter.download")
    assert event.data == {"case": staff.case.pk, "letter": letter.pk, "file": "pdf"}
    outsider = make_client(staff.b_coordinator)
    for url in (
        f"/staff/letters/{letter.pk}/",
        f"/staff/letters/{letter.pk}/file/docx/",
        f"/staff/cases/{staff.case.pk}/".replace("cases", "letters/case") + "new/",
    ):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/staff/letters/{letter.pk}/sign/").status_code == 404
    assert client.get(f"/staff/letters/{letter.pk}/file/secrets/").status_code == 404
    # A monitor of the team may not sign off.
    assert make_client(staff.monitor).post(f"/staff/letters/{letter.pk}/sign/").status_code in (
        302,
        403,
    )
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT

"""Initial data: the recipients and templates the app ships with, loaded by the data
migrations. Every legal fact here is from ../shared/domain.md, with its source; what that
file marks VERIFY ships unverified (``verified=False``) and stays visible as such until
a reference steward confirms it. Nothing here is read at run time: after the migration
the rows are data the stewards edit.

Addresses of the national bodies are not in domain.md, so they ship empty (a steward
fills them in); the UN addresses are the ones domain.md gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from himoya.letters.shipped_templates import shipped_templates

FIXTURES = Path(__file__).resolve().parent / "fixtures"

APK_KZ = (
    "Administrative Procedural Code of the Republic of Kazakhstan No. 350-VI "
    "(in force 1 July 2021), art. 76"
)
OMBUDSMAN_KZ = "Constitutional Law No. 154-VII of 5 Nov 2022, art. 15(2)"
SRC_DOMAIN = "../shared/domain.md (adilet.zan.kz, inform.kz)"

RECIPIENTS: list[dict[str, Any]] = [
    # Kazakhstan. Answers to appeals: 15 working days (APK art. 76).
    {
        "kind": "prosecutor_general",
        "country": "KZ",
        "name": "Генеральная прокуратура Республики Казахстан",
        "channel": "post",
        "languages": "ru,kk",
        "answer_days": 15,
        "day_kind": "working",
        "legal_basis": APK_KZ,
        "source": SRC_DOMAIN,
        "verified": True,
    },
    {
        "kind": "prosecutor_regional",
        "country": "KZ",
        "name": "Прокуратура области (по месту жительства)",
        "channel": "post",
        "languages": "ru,kk",
        "answer_days": 15,
        "day_kind": "working",
        "legal_basis": APK_KZ,
        "source": SRC_DOMAIN,
        "verified": True,
    },
    {
        "kind": "ombudsman",
        "country": "KZ",
        "name": "Уполномоченный по правам человека в Республике Казахстан",
        "channel": "post",
        "languages": "ru,kk",
        "answer_days": 15,
        "day_kind": "working",
        "legal_basis": APK_KZ,
        "source": SRC_DOMAIN,
        "verified": True,
    },
    {
        "kind": "interior",
        "country": "KZ",
        "name": "Министерство внутренних дел Республики Казахстан",
        "channel": "post",
        "languages": "ru,kk",
        "answer_days": 15,
        "day_kind": "working",
        "legal_basis": APK_KZ,
        "source": SRC_DOMAIN,
        "verified": True,
    },
    {
        "kind": "penitentiary",
        "country": "KZ",
        "name": "Комитет уголовно-исполнительной системы МВД Республики Казахстан (КУИС)",
        "channel": "post",
        "languages": "ru,kk",
        "answer_days": 15,
        "day_kind": "working",
        "legal_basis": APK_KZ,
        "source": SRC_DOMAIN,
        "verified": True,
    },
    {
        "kind": "security",
        "country": "KZ",
        "name": "Комитет национальной безопасности Республики Казахстан (КНБ)",
        "channel": "post",
        "languages": "ru,kk",
        "answer_days": 15,
        "day_kind": "working",
        "legal_basis": APK_KZ,
        "source": SRC_DOMAIN,
        "verified": True,
    },
    {
        "kind": "npm",
        "country": "KZ",
        "name": "Национальный превентивный механизм при Уполномоченном по правам человека",
        "channel": "post",
        "languages": "ru,kk",
        "answer_days": None,
        "day_kind": "working",
        "legal_basis": "Law No. 111-V of 2 July 2013 (NPM); OPCAT ratified 22 Oct 2008",
        "source": SRC_DOMAIN,
        "verified": True,
    },
    {
        "kind": "court",
        "country": "KZ",
        "name": "Суд (укажите суд)",
        "channel": "in_person",
        "languages": "ru,kk",
        "answer_days": None,
        "day_kind": "working",
        "legal_basis": "",
        "source": "",
        "verified": False,
    },
    # Tajikistan. The appeals law's deadlines are VERIFY in domain.md: no rule ships.
    {
        "kind": "prosecutor_general",
        "country": "TJ",
        "name": "Генеральная прокуратура Республики Таджикистан",
        "channel": "post",
        "languages": "ru,tg",
        "answer_days": None,
        "day_kind": "working",
        "legal_basis": "Law No. 1339 of 23 July 2016 “On appeals of individuals and legal "
        "entities” (deadline: VERIFY)",
        "source": "../shared/domain.md (CPC art. 161: prosecutors investigate torture)",
        "verified": False,
    },
    {
        "kind": "ombudsman",
        "country": "TJ",
        "name": "Уполномоченный по правам человека в Республике Таджикистан",
        "channel": "post",
        "languages": "ru,tg",
        "answer_days": None,
        "day_kind": "working",
        "legal_basis": "Law No. 372 of 20 March 2008 (deadline: VERIFY)",
        "source": "../shared/domain.md",
        "verified": False,
    },
    {
        "kind": "penitentiary",
        "country": "TJ",
        "name": "Главное управление исполнения уголовных наказаний Министерства юстиции (ГУИУН)",
        "channel": "post",
        "languages": "ru,tg",
        "answer_days": None,
        "day_kind": "working",
        "legal_basis": "Law No. 1339 of 23 July 2016 (deadline: VERIFY)",
        "source": "../shared/domain.md",
        "verified": False,
    },
    {
        "kind": "security",
        "country": "TJ",
        "name": "Государственный комитет национальной безопасности (ГКНБ)",
        "channel": "post",
        "languages": "ru,tg",
        "answer_days": None,
        "day_kind": "working",
        "legal_basis": "Law No. 1339 of 23 July 2016 (deadline: VERIFY)",
        "source": "../shared/domain.md",
        "verified": False,
    },
    # UN mechanisms: no answer deadline; languages from domain.md.
    {
        "kind": "cat",
        "country": "",
        "name": "UN Committee against Torture (art. 22 CAT)",
        "channel": "email",
        "address": "OHCHR, United Nations Office at Geneva, CH-1211 Geneva 10 "
        "(petitions e-mail: VERIFY)",
        "languages": "en,fr,ru,es",
        "answer_days": None,
        "day_kind": "calendar",
        "legal_basis": "CAT art. 22",
        "source": "../shared/domain.md (OHCHR)",
        "verified": False,
    },
    {
        "kind": "hrc",
        "country": "",
        "name": "UN Human Rights Committee (ICCPR OP1)",
        "channel": "email",
        "address": "OHCHR, United Nations Office at Geneva, CH-1211 Geneva 10 "
        "(petitions e-mail: VERIFY)",
        "languages": "en,fr,ru,es",
        "answer_days": None,
        "day_kind": "calendar",
        "legal_basis": "ICCPR Optional Protocol 1",
        "source": "../shared/domain.md (OHCHR)",
        "verified": False,
    },
    {
        "kind": "sr_torture",
        "country": "",
        "name": "UN Special Rapporteur on torture",
        "channel": "email",
        "address": "urgent-action@ohchr.org; OHCHR, United Nations Office at Geneva, "
        "CH-1211 Geneva 10",
        "languages": "en,fr,ru,es",
        "answer_days": None,
        "day_kind": "calendar",
        "legal_basis": "",
        "source": "../shared/domain.md (OHCHR)",
        "verified": True,
    },
    {
        "kind": "wgad",
        "country": "",
        "name": "UN Working Group on Arbitrary Detention",
        "channel": "email",
        "address": "",
        "languages": "en,fr,es",
        "answer_days": None,
        "day_kind": "calendar",
        "legal_basis": "",
        "source": "",
        "verified": False,
    },
]

# The fields each shipped template asks for ("name|label|required"); the label is the
# Russian one a lawyer sees in the form.
STATEMENT_FIELDS = "\n".join(
    [
        "recipient_name|Адресат|1",
        "recipient_address|Адрес адресата|",
        "applicant_name|Заявитель (ФИО)|1",
        "applicant_address|Адрес заявителя|",
        "applicant_phone|Телефон заявителя|",
        "victim_name|Пострадавший (ФИО)|1",
        "events_date|Дата событий|1",
        "place|Место (учреждение, отдел)|1",
        "facts|Обстоятельства|1",
        "perpetrators|Кто применял насилие|",
        "injuries|Телесные повреждения и где они зафиксированы|",
        "country|Страна (KZ или TJ)|1",
        "city|Город|",
        "date|Дата письма|1",
    ]
)

OMBUDSMAN_FIELDS = "\n".join(
    [
        "recipient_name|Адресат|1",
        "recipient_address|Адрес адресата|",
        "applicant_name|Заявитель (ФИО или организация)|1",
        "applicant_address|Адрес заявителя|",
        "victim_name|Пострадавший (ФИО)|1",
        "events_date|Дата событий|1",
        "place|Место (учреждение, отдел)|1",
        "facts|Обстоятельства|1",
        "prior_appeals|Куда уже обращались и что ответили|",
        "country|Страна (KZ или TJ)|1",
        "city|Город|",
        "date|Дата письма|1",
    ]
)

TEMPLATES: list[dict[str, Any]] = [
    {
        "code": "torture-statement-prosecutor",
        "language": "ru",
        "title": "Заявление о пытках в прокуратуру",
        "recipient_kinds": "prosecutor_general,prosecutor_regional",
        "fields": STATEMENT_FIELDS,
        "file": "torture-statement-prosecutor.ru.docx",
        "source": "Seed 001 (step 3); KZ Criminal Code art. 146, TJ Criminal Code art. 143-1 "
        "(../shared/domain.md)",
    },
    {
        "code": "ombudsman-appeal",
        "language": "ru",
        "title": "Обращение к Уполномоченному по правам человека",
        "recipient_kinds": "ombudsman",
        "fields": OMBUDSMAN_FIELDS,
        "file": "ombudsman-appeal.ru.docx",
        "source": "Seed 001 (step 4) (../shared/domain.md)",
    },
    # The first two in Kazakh and Tajik: only Kazakhstan's, or only Tajikistan's, bodies
    # take them, and their text names the country, so they do not ask for it.
    *[
        {
            "code": code,
            "language": language,
            "title": title,
            "recipient_kinds": kinds,
            "fields": fields.replace("\ncountry|Страна (KZ или TJ)|1", ""),
            "file": f"{code}.{language}.docx",
            "source": source,
        }
        for code, kinds, fields, source, titles in (
            (
                "torture-statement-prosecutor",
                "prosecutor_general,prosecutor_regional",
                STATEMENT_FIELDS,
                "Seed 001 (step 3); KZ Criminal Code art. 146, TJ Criminal Code art. 143-1 "
                "(../shared/domain.md)",
                {
                    "kk": "Прокуратураға азаптау туралы арыз",
                    "tg": "Ариза ба прокуратура дар бораи шиканҷа",
                },
            ),
            (
                "ombudsman-appeal",
                "ombudsman",
                OMBUDSMAN_FIELDS,
                "Seed 001 (step 4) (../shared/domain.md)",
                {
                    "kk": "Адам құқықтары жөніндегі уәкілге өтініш",
                    "tg": "Муроҷиат ба Ваколатдор оид ба ҳуқуқи инсон",
                },
            ),
        )
        for language, title in titles.items()
    ],
    *shipped_templates(),
]


def load_shipped(recipient_model: Any, template_model: Any) -> None:
    """Adds what is missing (the migration, and tests that emptied the tables); an
    entry a steward changed is left as it is."""
    for row in RECIPIENTS:
        values = dict(row)
        recipient_model.objects.get_or_create(
            country=values.pop("country"),
            kind=values.pop("kind"),
            name=values.pop("name"),
            defaults=values,
        )
    for row in TEMPLATES:
        values = dict(row)
        content = (FIXTURES / values.pop("file")).read_bytes()
        if not template_model.objects.filter(
            code=values["code"], language=values["language"]
        ).exists():
            template_model.objects.create(version=1, content=content, **values)

"""The templates shipped beside the first two (issue 10): for each, the recipient kinds
it is written for, the fields it asks for ("name|label|required", the label the Russian
one a lawyer sees in the form), its title in each of its languages and the source of
its wording. The Word files are built by scripts/build_letter_templates.py.

A template is written in the languages its recipients take (RECIPIENTS in shipped.py):
Kazakhstan's bodies ru and kk, Tajikistan's ru and tg, the UN's en and ru. The fields
``case_prefill`` fills (recipient, applicant, victim, events date, place, facts,
country, date) keep its names, so a letter from a case starts filled in.
"""

from __future__ import annotations

from typing import Any

SRC = "../shared/domain.md"


def _fields(*lines: str) -> str:
    return "\n".join(lines)


HEAD = (
    "recipient_name|Адресат|1",
    "recipient_address|Адрес адресата|",
    "applicant_name|Заявитель (ФИО или организация)|1",
    "applicant_address|Адрес заявителя|",
)
COUNTRY = "country|Страна (KZ или TJ)|1"
TAIL = (COUNTRY, "city|Город|", "date|Дата письма|1")
# Letters whose wording does not depend on the country.
TAIL_ANY = ("city|Город|", "date|Дата письма|1")
PRIOR = "prior_appeals|Куда уже обращались и что ответили|"

# code: (recipient kinds, fields, {language: title}, source)
SPECS: dict[str, tuple[str, str, dict[str, str], str]] = {
    "officers-complaint": (
        "interior,penitentiary",
        _fields(
            *HEAD,
            "victim_name|Пострадавший (ФИО)|1",
            "events_date|Дата событий|1",
            "place|Место (учреждение, отдел)|1",
            "facts|Обстоятельства|1",
            "perpetrators|Сотрудники, чьи действия обжалуются (если известны)|",
            PRIOR,
            *TAIL,
        ),
        {
            "ru": "Жалоба на действия сотрудников полиции или уголовно-исполнительной системы",
            "kk": "Полиция немесе қылмыстық-атқару жүйесі қызметкерлерінің әрекеттеріне шағым",
            "tg": "Шикоят аз амалҳои кормандони милитсия ё низоми иҷрои ҷазоҳои ҷиноӣ",
        },
        "KZ Criminal Code art. 146, TJ Criminal Code art. 143-1; KZ Administrative "
        f"Procedural Code art. 76 (answer deadline) ({SRC})",
    ),
    "monitoring-visit-request": (
        "npm,ombudsman",
        _fields(
            *HEAD,
            "victim_name|Кого просим посетить (ФИО)|1",
            "place|Место лишения свободы|1",
            "facts|Что известно о положении человека|1",
            "events_date|Дата событий|",
            *TAIL,
        ),
        {
            "ru": "Просьба о посещении места лишения свободы (НПМ, мониторинг)",
            "kk": "Бас бостандығынан айыру орнына бару туралы өтініш (ҰАТ, мониторинг)",
            "tg": "Муроҷиат дар бораи боздид аз ҷойи маҳрумият аз озодӣ (мониторинг)",
        },
        "KZ: NPM under the Human Rights Commissioner (Law No. 111-V of 2 July 2013); "
        f"TJ: the Commissioner's monitoring group of closed institutions ({SRC})",
    ),
    "detainee-complaint-cover": (
        "prosecutor_general,prosecutor_regional,ombudsman,interior,penitentiary,security,npm,court",
        _fields(
            "recipient_name|Адресат|1",
            "recipient_address|Адрес адресата|",
            "applicant_name|Организация|1",
            "applicant_address|Адрес организации|",
            "victim_name|Автор жалобы (ФИО)|1",
            "place|Где он (она) содержится|1",
            "complaint_date|Дата жалобы|",
            "facts|Краткое содержание жалобы|1",
            "pages|Число листов жалобы|",
            *TAIL,
        ),
        {
            "ru": "Сопроводительное письмо к жалобе заключённого",
            "kk": "Қамаудағы адамның шағымына ілеспе хат",
            "tg": "Мактуби ҳамроҳикунанда ба шикояти маҳбус",
        },
        "Seed 000 (an answer to every complaint from a prisoner); KZ Administrative "
        f"Procedural Code art. 76 ({SRC})",
    ),
    "medical-examination-request": (
        "prosecutor_general,prosecutor_regional,interior,penitentiary,security",
        _fields(
            *HEAD,
            "victim_name|Пострадавший (ФИО)|1",
            "place|Место лишения свободы|1",
            "events_date|Дата применения насилия|1",
            "facts|Обстоятельства|1",
            "injuries|Телесные повреждения и жалобы на здоровье|",
            "doctor|Независимый врач (ФИО, специальность), если выбран|",
            *TAIL_ANY,
        ),
        {
            "ru": "Ходатайство о независимом медицинском освидетельствовании",
            "kk": "Тәуелсіз медициналық куәландыру туралы өтінішхат",
            "tg": "Дархост оид ба муоинаи мустақили тиббӣ",
        },
        f"Istanbul Protocol 2022 (consent, photographs, independent doctor) ({SRC})",
    ),
    "detention-conditions-complaint": (
        "penitentiary,prosecutor_general,prosecutor_regional,ombudsman,npm",
        _fields(
            *HEAD,
            "victim_name|Пострадавший (ФИО)|1",
            "place|Место лишения свободы|1",
            "events_date|С какого времени продолжаются нарушения|",
            "facts|Нарушения условий содержания|1",
            PRIOR,
            *TAIL,
        ),
        {
            "ru": "Жалоба на условия содержания",
            "kk": "Ұстау жағдайлары туралы шағым",
            "tg": "Шикоят аз шароити нигоҳдорӣ",
        },
        f"KZ Administrative Procedural Code art. 76 (answer deadline) ({SRC})",
    ),
    "whereabouts-request": (
        "interior,penitentiary,security,prosecutor_general,prosecutor_regional",
        _fields(
            *HEAD,
            "victim_name|Задержанный (ФИО)|1",
            "birth_date|Дата рождения|",
            "events_date|Дата задержания или последних известий|1",
            "place|Где задержан или находился в последний раз|1",
            "facts|Обстоятельства задержания|1",
            *TAIL,
        ),
        {
            "ru": "Запрос о местонахождении задержанного",
            "kk": "Ұсталған адамның қайда екені туралы сауал",
            "tg": "Дархост дар бораи маҳалли будубоши шахси боздоштшуда",
        },
        f"KZ Administrative Procedural Code art. 76 (answer deadline) ({SRC})",
    ),
    "sentence-request": (
        "penitentiary,court,prosecutor_general,prosecutor_regional,ombudsman",
        _fields(
            *HEAD,
            "victim_name|Осуждённый (ФИО)|1",
            "place|Учреждение, где отбывает наказание|1",
            "sentence|Приговор (суд, дата, срок)|1",
            "request|О чём просим (УДО, замена наказания и т. п.)|1",
            "facts|Основания|1",
            "documents|Прилагаемые документы|",
            *TAIL_ANY,
        ),
        {
            "ru": "Ходатайство по вопросам наказания (УДО и др.)",
            "kk": "Жаза мәселелері бойынша өтінішхат (ШМБ және т.б.)",
            "tg": "Дархост оид ба масъалаҳои ҷазо (озодкунии шартан пеш аз мӯҳлат ва ғ.)",
        },
        f"Seed 000 (every second appeal is on sentences or parole) ({SRC})",
    ),
    "un-individual-communication": (
        "cat,hrc",
        _fields(
            "recipient_name|Комитет|1",
            "recipient_address|Адрес Комитета|",
            "treaty|Договор (Конвенция против пыток или Международный пакт о гражданских "
            "и политических правах)|1",
            "applicant_name|Автор сообщения (ФИО или организация)|1",
            "applicant_address|Адрес для переписки|",
            "applicant_contacts|Телефон, e-mail автора|",
            "counsel|Представитель (ФИО, контакты)|",
            "victim_name|Жертва (ФИО)|1",
            "victim_details|Сведения о жертве (дата рождения, гражданство, где находится)|",
            "authorisation|Согласие жертвы или причины подачи без него|1",
            "anonymity|Просьба не раскрывать имя жертвы в решении Комитета|",
            "country|Государство-участник (KZ или TJ)|1",
            "events_date|Дата событий|",
            "place|Место событий|",
            "facts|Факты в хронологическом порядке|1",
            "remedies|Исчерпание внутренних средств защиты: куда обращались, когда, "
            "какие решения|1",
            "final_decision|Окончательное решение внутри страны (орган, дата)|",
            "other_procedures|Рассматривался ли этот вопрос другой международной процедурой|1",
            "articles|Нарушенные статьи и почему|1",
            "remedies_sought|Чего автор просит от Комитета|1",
            "interim_measures|Временные меры защиты (если нужны) и почему|",
            "documents|Список прилагаемых документов|1",
            "city|Город|",
            "date|Дата|1",
        ),
        {
            "ru": "Индивидуальное сообщение в Комитет против пыток или Комитет по правам "
            "человека ООН",
            "en": "Individual communication to the UN Committee against Torture or the "
            "Human Rights Committee",
        },
        f"Model complaint forms of CAT (art. 22) and the Human Rights Committee (OP1) ({SRC})",
    ),
    "sr-torture-urgent-appeal": (
        "sr_torture",
        _fields(
            "recipient_name|Адресат|1",
            "recipient_address|Адрес адресата|",
            "applicant_name|Отправитель (ФИО или организация)|1",
            "applicant_address|Адрес отправителя|",
            "applicant_contacts|Контакты отправителя (телефон, e-mail)|1",
            "victim_name|Жертва (ФИО)|1",
            "victim_age|Возраст|",
            "victim_nationality|Гражданство|",
            "victim_occupation|Род занятий|",
            "country|Государство (KZ или TJ)|1",
            "events_date|Дата задержания|1",
            "arrest_details|Время и место задержания, кто задержал|",
            "place|Место содержания|1",
            "facts|Пытки или угроза пыток: что происходит|1",
            "perpetrators|Предполагаемые исполнители|",
            "visits|Посещения родственниками, адвокатом, врачом|",
            "steps_taken|Обращения внутри страны и их результат|",
            "consent|Согласие жертвы или её семьи на обращение|",
            "city|Город|",
            "date|Дата|1",
        ),
        {
            "ru": "Срочное обращение к Специальному докладчику ООН по вопросу о пытках",
            "en": "Urgent appeal to the UN Special Rapporteur on torture",
        },
        f"Special Rapporteur on torture: minimum content of an urgent appeal ({SRC}, OHCHR)",
    ),
}


def shipped_templates() -> list[dict[str, Any]]:
    """The rows of ``shipped.TEMPLATES`` for these templates, one per language."""
    return [
        {
            "code": code,
            "language": language,
            "title": title,
            "recipient_kinds": kinds,
            # A Kazakh letter goes only to Kazakhstan's bodies and a Tajik one only to
            # Tajikistan's: their text names the country, so they do not ask for it.
            "fields": fields.replace(COUNTRY + "\n", "") if language in ("kk", "tg") else fields,
            "file": f"{code}.{language}.docx",
            "source": source,
        }
        for code, (kinds, fields, titles, source) in SPECS.items()
        for language, title in titles.items()
    ]

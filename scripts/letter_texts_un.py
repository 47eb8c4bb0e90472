"""Letters to UN mechanisms, in Russian and English (both accepted: ../shared/domain.md).

The individual communication follows the sections of the model complaint forms of the
Committee against Torture (CAT art. 22) and the Human Rights Committee (ICCPR OP1), as
domain.md lists them: author, victim (consent or reasons, counsel, anonymity in the
decision), State party, facts in chronological order, exhaustion of domestic remedies,
other international procedures, articles violated, remedies sought (and interim
measures), documents, signature. The urgent appeal to the Special Rapporteur carries the
minimum content domain.md gives, and asks nothing about domestic remedies (none need be
exhausted)."""

from __future__ import annotations

from letter_texts_common import STATE_EN, STATE_RU, Block

# "the authorities of ..." wants the genitive in Russian.
STATE_RU_OF = (
    "{% if country == 'KZ' %}Республики Казахстан{% elif country == 'TJ' %}"
    "Республики Таджикистан{% else %}государства {{ country }}{% endif %}"
)


def communication(language: str) -> list[Block]:
    if language == "ru":
        return [
            ("t", "ИНДИВИДУАЛЬНОЕ СООБЩЕНИЕ"),
            ("l", "Адресат: {{ recipient_name }}"),
            ("l", "{% if recipient_address %}{{ recipient_address }}{% endif %}"),
            ("l", "Договор: {{ treaty }}"),
            ("h", "I. Автор сообщения"),
            ("l", "Автор: {{ applicant_name }}"),
            (
                "l",
                "{% if applicant_address %}Адрес для переписки: {{ applicant_address }}{% endif %}",
            ),
            (
                "l",
                "{% if applicant_contacts %}Телефон, e-mail: {{ applicant_contacts }}{% endif %}",
            ),
            ("l", "{% if counsel %}Представитель: {{ counsel }}{% endif %}"),
            ("h", "II. Предполагаемая жертва"),
            ("l", "Жертва: {{ victim_name }}"),
            ("l", "{% if victim_details %}Сведения о жертве: {{ victim_details }}{% endif %}"),
            (
                "p",
                "Согласие жертвы на подачу сообщения либо причины, по которым оно подаётся "
                "без её согласия: {{ authorisation }}",
            ),
            (
                "p",
                "{% if anonymity %}Просьба не раскрывать имя жертвы в решении Комитета: "
                "{{ anonymity }}{% endif %}",
            ),
            ("h", "III. Государство-участник"),
            ("l", STATE_RU),
            ("h", "IV. Факты (в хронологическом порядке)"),
            (
                "p",
                "{% if events_date %}Дата событий: {{ events_date }}. {% endif %}"
                "{% if place %}Место: {{ place }}.{% endif %}",
            ),
            ("p", "{{ facts }}"),
            ("h", "V. Исчерпание внутренних средств правовой защиты"),
            ("p", "{{ remedies }}"),
            ("p", "{% if final_decision %}Окончательное решение: {{ final_decision }}{% endif %}"),
            ("h", "VI. Другие процедуры международного разбирательства"),
            ("p", "{{ other_procedures }}"),
            ("h", "VII. Нарушенные статьи"),
            ("p", "{{ articles }}"),
            ("h", "VIII. Требования автора"),
            ("p", "{{ remedies_sought }}"),
            (
                "p",
                "{% if interim_measures %}Просьба о временных мерах: {{ interim_measures }}"
                "{% endif %}",
            ),
            ("h", "IX. Прилагаемые документы"),
            ("p", "{{ documents }}"),
            ("l", "{% if city %}{{ city }}, {% endif %}{{ date }}"),
            ("l", "Подпись автора (представителя) ____________________ / {{ applicant_name }} /"),
        ]
    return [
        ("t", "INDIVIDUAL COMMUNICATION"),
        ("l", "To: {{ recipient_name }}"),
        ("l", "{% if recipient_address %}{{ recipient_address }}{% endif %}"),
        ("l", "Treaty: {{ treaty }}"),
        ("h", "I. Author of the communication"),
        ("l", "Author: {{ applicant_name }}"),
        (
            "l",
            "{% if applicant_address %}Address for correspondence: "
            "{{ applicant_address }}{% endif %}",
        ),
        ("l", "{% if applicant_contacts %}Telephone, e-mail: {{ applicant_contacts }}{% endif %}"),
        ("l", "{% if counsel %}Counsel: {{ counsel }}{% endif %}"),
        ("h", "II. Alleged victim"),
        ("l", "Victim: {{ victim_name }}"),
        ("l", "{% if victim_details %}About the victim: {{ victim_details }}{% endif %}"),
        (
            "p",
            "The victim's consent to this communication, or the reasons why it is submitted "
            "without it: {{ authorisation }}",
        ),
        (
            "p",
            "{% if anonymity %}Request that the victim's identity not be disclosed in the "
            "Committee's decision: {{ anonymity }}{% endif %}",
        ),
        ("h", "III. State party"),
        ("l", STATE_EN),
        ("h", "IV. Facts (in chronological order)"),
        (
            "p",
            "{% if events_date %}Date of the events: {{ events_date }}. {% endif %}"
            "{% if place %}Place: {{ place }}.{% endif %}",
        ),
        ("p", "{{ facts }}"),
        ("h", "V. Exhaustion of domestic remedies"),
        ("p", "{{ remedies }}"),
        ("p", "{% if final_decision %}Final decision: {{ final_decision }}{% endif %}"),
        ("h", "VI. Other procedures of international investigation or settlement"),
        ("p", "{{ other_procedures }}"),
        ("h", "VII. Articles violated"),
        ("p", "{{ articles }}"),
        ("h", "VIII. Remedies sought"),
        ("p", "{{ remedies_sought }}"),
        (
            "p",
            "{% if interim_measures %}Request for interim measures: {{ interim_measures }}"
            "{% endif %}",
        ),
        ("h", "IX. List of documents"),
        ("p", "{{ documents }}"),
        ("l", "{% if city %}{{ city }}, {% endif %}{{ date }}"),
        ("l", "Signature of the author (counsel) ____________________ / {{ applicant_name }} /"),
    ]


def urgent_appeal(language: str) -> list[Block]:
    if language == "ru":
        return [
            ("r", "{{ recipient_name }}"),
            ("r", "{% if recipient_address %}{{ recipient_address }}{% endif %}"),
            ("t", "СРОЧНОЕ ОБРАЩЕНИЕ"),
            (
                "p",
                "Просим Специального докладчика безотлагательно обратиться к властям "
                + STATE_RU_OF
                + " в связи с угрозой пыток или жестокого обращения, которой подвергается "
                "{{ victim_name }}.",
            ),
            ("h", "1. Предполагаемая жертва"),
            ("l", "ФИО: {{ victim_name }}"),
            ("l", "{% if victim_age %}Возраст: {{ victim_age }}{% endif %}"),
            ("l", "{% if victim_nationality %}Гражданство: {{ victim_nationality }}{% endif %}"),
            ("l", "{% if victim_occupation %}Род занятий: {{ victim_occupation }}{% endif %}"),
            ("h", "2. Задержание и содержание"),
            ("l", "Дата задержания: {{ events_date }}"),
            (
                "p",
                "{% if arrest_details %}Время, место, кем задержан(а): "
                "{{ arrest_details }}{% endif %}",
            ),
            ("l", "Место содержания: {{ place }}"),
            ("h", "3. Пытки или угроза пыток"),
            ("p", "{{ facts }}"),
            ("p", "{% if perpetrators %}Предполагаемые исполнители: {{ perpetrators }}{% endif %}"),
            ("h", "4. Доступ к жертве"),
            (
                "p",
                "{% if visits %}{{ visits }}{% else %}Сведений о посещениях родственниками, "
                "адвокатом или врачом нет.{% endif %}",
            ),
            (
                "p",
                "{% if steps_taken %}Обращения внутри страны и их результат: "
                "{{ steps_taken }}{% endif %}",
            ),
            ("p", "{% if consent %}Согласие жертвы или её семьи: {{ consent }}{% endif %}"),
            ("h", "5. Отправитель"),
            ("l", "{{ applicant_name }}"),
            ("l", "{% if applicant_address %}{{ applicant_address }}{% endif %}"),
            ("l", "{{ applicant_contacts }}"),
            ("l", "{% if city %}{{ city }}, {% endif %}{{ date }}"),
            ("l", "Подпись ____________________ / {{ applicant_name }} /"),
        ]
    return [
        ("r", "{{ recipient_name }}"),
        ("r", "{% if recipient_address %}{{ recipient_address }}{% endif %}"),
        ("t", "URGENT APPEAL"),
        (
            "p",
            "We ask the Special Rapporteur to intervene urgently with the authorities of the "
            "State concerned ("
            + STATE_EN
            + ") concerning the risk of torture or ill-treatment faced by {{ victim_name }}.",
        ),
        ("h", "1. Alleged victim"),
        ("l", "Name: {{ victim_name }}"),
        ("l", "{% if victim_age %}Age: {{ victim_age }}{% endif %}"),
        ("l", "{% if victim_nationality %}Nationality: {{ victim_nationality }}{% endif %}"),
        ("l", "{% if victim_occupation %}Occupation: {{ victim_occupation }}{% endif %}"),
        ("h", "2. Arrest and detention"),
        ("l", "Date of arrest: {{ events_date }}"),
        ("p", "{% if arrest_details %}Time, place, arrested by: {{ arrest_details }}{% endif %}"),
        ("l", "Place of detention: {{ place }}"),
        ("h", "3. Torture or risk of torture"),
        ("p", "{{ facts }}"),
        ("p", "{% if perpetrators %}Alleged perpetrators: {{ perpetrators }}{% endif %}"),
        ("h", "4. Access to the victim"),
        (
            "p",
            "{% if visits %}{{ visits }}{% else %}No visits by family, lawyers or doctors are "
            "known.{% endif %}",
        ),
        (
            "p",
            "{% if steps_taken %}Steps taken in the country and their outcome: "
            "{{ steps_taken }}{% endif %}",
        ),
        ("p", "{% if consent %}Consent of the victim or the family: {{ consent }}{% endif %}"),
        ("h", "5. Sender"),
        ("l", "{{ applicant_name }}"),
        ("l", "{% if applicant_address %}{{ applicant_address }}{% endif %}"),
        ("l", "{{ applicant_contacts }}"),
        ("l", "{% if city %}{{ city }}, {% endif %}{{ date }}"),
        ("l", "Signature ____________________ / {{ applicant_name }} /"),
    ]

"""What every letter template shares, per language: the header (to whom, from whom), the
closing (place, date, signature) and the wording of the criminal-law article on torture.

A template is a list of blocks ``(kind, text)``: ``r`` right-aligned, ``t`` a bold
centred title, ``h`` a bold heading, ``p`` a justified paragraph, ``l`` a plain line.
Kazakh sentences never put a case ending on a placeholder (``{{ place }}да`` would be
wrong for half the names): they name the fact on its own line and refer back to it.
"""

from __future__ import annotations

Block = tuple[str, str]

HEADER: dict[str, list[Block]] = {
    "ru": [
        ("r", "{{ recipient_name }}"),
        ("r", "{% if recipient_address %}{{ recipient_address }}{% endif %}"),
        ("r", "от {{ applicant_name }}"),
        ("r", "{% if applicant_address %}адрес: {{ applicant_address }}{% endif %}"),
    ],
    "kk": [
        ("r", "{{ recipient_name }}"),
        ("r", "{% if recipient_address %}{{ recipient_address }}{% endif %}"),
        ("r", "Кімнен: {{ applicant_name }}"),
        ("r", "{% if applicant_address %}Мекенжайы: {{ applicant_address }}{% endif %}"),
    ],
    "tg": [
        ("r", "{{ recipient_name }}"),
        ("r", "{% if recipient_address %}{{ recipient_address }}{% endif %}"),
        ("r", "Аз: {{ applicant_name }}"),
        ("r", "{% if applicant_address %}Суроға: {{ applicant_address }}{% endif %}"),
    ],
    "en": [
        ("r", "{{ recipient_name }}"),
        ("r", "{% if recipient_address %}{{ recipient_address }}{% endif %}"),
        ("r", "From: {{ applicant_name }}"),
        ("r", "{% if applicant_address %}Address: {{ applicant_address }}{% endif %}"),
    ],
}

SIGNATURE = {"ru": "Подпись", "kk": "Қолы", "tg": "Имзо", "en": "Signature"}


def closing(language: str) -> list[Block]:
    return [
        ("l", "{% if city %}{{ city }}, {% endif %}{{ date }}"),
        ("l", SIGNATURE[language] + " ____________________ / {{ applicant_name }} /"),
    ]


# The article that makes torture a crime (../shared/domain.md: KZ Criminal Code art. 146,
# TJ Criminal Code art. 143-1). A Russian letter may go to either country; a Kazakh one
# only to Kazakhstan's bodies and a Tajik one only to Tajikistan's.
LIABILITY_RU = (
    "ответственность за которые установлена "
    "{% if country == 'KZ' %}статьёй 146 Уголовного кодекса Республики Казахстан"
    "{% elif country == 'TJ' %}статьёй 143-1 Уголовного кодекса Республики Таджикистан"
    "{% else %}уголовным законом{% endif %}"
)
LIABILITY_KK = "Қазақстан Республикасы Қылмыстық кодексінің 146-бабында көзделген"
LIABILITY_TG = (
    "ки барои онҳо моддаи 143-1 Кодекси ҷиноятии Ҷумҳурии Тоҷикистон ҷавобгарӣ муқаррар кардааст"
)

# The answer deadline of Kazakhstan's bodies (../shared/domain.md: Administrative
# Procedural Code No. 350-VI, art. 76). Tajikistan's is unverified: no sentence names it.
DEADLINE_RU = (
    "{% if country == 'KZ' %}Ответ прошу дать в срок, установленный статьёй 76 "
    "Административного процедурно-процессуального кодекса Республики Казахстан.{% endif %}"
)
DEADLINE_KK = (
    "Жауапты Қазақстан Республикасы Әкімшілік рәсімдік-процестік кодексінің 76-бабында "
    "белгіленген мерзімде беруіңізді сұраймын."
)

# The same, when an organisation writes in the first person plural (the cover letter).
DEADLINE_RU_WE = DEADLINE_RU.replace("Ответ прошу", "Ответ просим")
DEADLINE_KK_WE = DEADLINE_KK.replace("сұраймын", "сұраймыз")

STATE_RU = (
    "{% if country == 'KZ' %}Республика Казахстан{% elif country == 'TJ' %}"
    "Республика Таджикистан{% else %}{{ country }}{% endif %}"
)
STATE_EN = (
    "{% if country == 'KZ' %}Republic of Kazakhstan{% elif country == 'TJ' %}"
    "Republic of Tajikistan{% else %}{{ country }}{% endif %}"
)

"""Shipped data for the controlled vocabularies and regions.

Loaded by a data migration and by ``himoya demo``; afterwards it is the coordinators'
data to edit. Sources: ../shared/domain.md ("Controlled vocabularies to ship") and
../shared/interchange.md (the codes). Region codes follow ISO 3166-2 and are shipped
unverified until a coordinator confirms them.
"""

from __future__ import annotations

from typing import Any

VOCAB_SOURCE = "Himoya domain reference (domain.md, interchange.md)"
REGION_SOURCE = "ISO 3166-2 (to be confirmed by a coordinator)"

# vocabulary -> [(code, ru, kk, tg, en)]
TERMS: dict[str, list[tuple[str, str, str, str, str]]] = {
    "violation": [
        ("torture", "Пытки", "Азаптау", "Шиканҷа", "Torture"),
        (
            "ill_treatment",
            "Жестокое, бесчеловечное или унижающее достоинство обращение",
            "Қатыгез, адамгершілікке жатпайтын немесе ар-намысты қорлайтын қарым-қатынас",
            "Муомилаи бераҳмона, ғайриинсонӣ ё таҳқиркунанда",
            "Cruel, inhuman or degrading treatment",
        ),
        (
            "threats",
            "Угрозы и запугивание",
            "Қорқыту және үрейлендіру",
            "Таҳдид ва тарсонидан",
            "Threats and intimidation",
        ),
        (
            "detention_conditions",
            "Условия содержания",
            "Ұстау жағдайлары",
            "Шароити нигоҳдорӣ",
            "Conditions of detention",
        ),
        (
            "medical_care",
            "Отказ в медицинской помощи",
            "Медициналық көмек көрсетуден бас тарту",
            "Рад кардани расонидани кӯмаки тиббӣ",
            "Denial of medical care",
        ),
        (
            "unfair_trial",
            "Несправедливый суд или приговор",
            "Әділетсіз сот немесе үкім",
            "Мурофиа ё ҳукми ғайриодилона",
            "Unfair trial or sentence",
        ),
        (
            "parole",
            "Отказ в УДО",
            "Шартты түрде мерзімінен бұрын босатудан бас тарту",
            "Рад кардани озодкунии пеш аз мӯҳлати шартӣ",
            "Parole refused",
        ),
        (
            "reprisal",
            "Преследование за жалобу (в т. ч. перевод)",
            "Шағым үшін қудалау (соның ішінде басқа мекемеге ауыстыру)",
            "Таъқиб барои шикоят (аз ҷумла интиқол)",
            "Reprisal for complaining (incl. transfer)",
        ),
        (
            "death_in_custody",
            "Смерть под стражей",
            "Қамауда қайтыс болу",
            "Марг дар ҳабс",
            "Death in custody",
        ),
        ("other", "Другое", "Басқа", "Дигар", "Other"),
    ],
    "agency": [
        (
            "police",
            "Полиция / органы внутренних дел",
            "Полиция / ішкі істер органдары",
            "Милитсия / мақомоти корҳои дохилӣ",
            "Police / internal affairs",
        ),
        (
            "penitentiary",
            "Уголовно-исполнительная система",
            "Қылмыстық-атқару жүйесі",
            "Низоми иҷрои ҷазоҳои ҷиноятӣ",
            "Penitentiary service",
        ),
        (
            "national_security",
            "Органы национальной безопасности",
            "Ұлттық қауіпсіздік органдары",
            "Мақомоти амнияти миллӣ",
            "National security",
        ),
        ("customs", "Таможенная служба", "Кеден қызметі", "Хадамоти гумрук", "Customs"),
        ("prosecutor", "Прокуратура", "Прокуратура", "Прокуратура", "Prosecutor's office"),
        ("military", "Военные", "Әскерилер", "Низомиён", "Military"),
        ("other", "Другое", "Басқа", "Дигар", "Other"),
        ("unknown", "Неизвестно", "Белгісіз", "Номаълум", "Unknown"),
    ],
    "channel": [
        ("in_person", "Лично", "Жеке келу", "Шахсан", "In person"),
        ("phone", "Телефон", "Телефон", "Телефон", "Phone"),
        ("letter", "Письмо", "Хат", "Мактуб", "Letter"),
        ("email", "Электронная почта", "Электрондық пошта", "Почтаи электронӣ", "E-mail"),
        ("web", "Веб-форма", "Сайттағы форма", "Шакл дар сомона", "Web form"),
        ("telegram", "Telegram", "Telegram", "Telegram", "Telegram"),
        ("whatsapp", "WhatsApp", "WhatsApp", "WhatsApp", "WhatsApp"),
        (
            "visit",
            "Мониторинговый визит",
            "Мониторингтік бару",
            "Боздиди мониторингӣ",
            "Monitoring visit",
        ),
    ],
    "facility_type": [
        (
            "ivs",
            "ИВС (изолятор временного содержания)",
            "Уақытша ұстау изоляторы",
            "Тавқифгоҳи нигоҳдории муваққатӣ",
            "Temporary detention facility (IVS)",
        ),
        (
            "sizo",
            "СИЗО (следственный изолятор)",
            "Тергеу изоляторы",
            "Тавқифгоҳи тафтишотӣ",
            "Pre-trial detention centre (SIZO)",
        ),
        ("colony", "Исправительная колония", "Түзеу колониясы", "Колонияи ислоҳӣ", "Penal colony"),
        (
            "special",
            "Специальное учреждение (в т. ч. для несовершеннолетних)",
            "Арнаулы мекеме (соның ішінде кәмелетке толмағандарға арналған)",
            "Муассисаи махсус (аз ҷумла барои ноболиғон)",
            "Special institution (incl. for minors)",
        ),
        (
            "psychiatric",
            "Психиатрическое учреждение",
            "Психиатриялық мекеме",
            "Муассисаи равонпизишкӣ",
            "Psychiatric institution",
        ),
        ("military", "Военное учреждение", "Әскери мекеме", "Муассисаи ҳарбӣ", "Military facility"),
        (
            "other",
            "Миграционное или иное учреждение",
            "Көші-қон немесе басқа мекеме",
            "Муассисаи муҳоҷиратӣ ё дигар",
            "Migration or other facility",
        ),
    ],
}

# (country, ISO 3166-2 code, ru, kk, tg, en)
REGIONS: list[tuple[str, str, str, str, str, str]] = [
    ("KZ", "KZ-10", "Абайская область", "Абай облысы", "Вилояти Абай", "Abai Region"),
    ("KZ", "KZ-11", "Акмолинская область", "Ақмола облысы", "Вилояти Ақмола", "Akmola Region"),
    ("KZ", "KZ-15", "Актюбинская область", "Ақтөбе облысы", "Вилояти Актобе", "Aktobe Region"),
    ("KZ", "KZ-19", "Алматинская область", "Алматы облысы", "Вилояти Алмаато", "Almaty Region"),
    ("KZ", "KZ-23", "Атырауская область", "Атырау облысы", "Вилояти Атирау", "Atyrau Region"),
    (
        "KZ",
        "KZ-27",
        "Западно-Казахстанская область",
        "Батыс Қазақстан облысы",
        "Вилояти Қазоқистони Ғарбӣ",
        "West Kazakhstan Region",
    ),
    ("KZ", "KZ-31", "Жамбылская область", "Жамбыл облысы", "Вилояти Жамбил", "Jambyl Region"),
    ("KZ", "KZ-33", "Жетысуская область", "Жетісу облысы", "Вилояти Жетису", "Zhetysu Region"),
    (
        "KZ",
        "KZ-35",
        "Карагандинская область",
        "Қарағанды облысы",
        "Вилояти Қарағанда",
        "Karaganda Region",
    ),
    (
        "KZ",
        "KZ-39",
        "Костанайская область",
        "Қостанай облысы",
        "Вилояти Қостанай",
        "Kostanay Region",
    ),
    (
        "KZ",
        "KZ-43",
        "Кызылординская область",
        "Қызылорда облысы",
        "Вилояти Қизилӯрда",
        "Kyzylorda Region",
    ),
    (
        "KZ",
        "KZ-47",
        "Мангистауская область",
        "Маңғыстау облысы",
        "Вилояти Манғистау",
        "Mangystau Region",
    ),
    (
        "KZ",
        "KZ-55",
        "Павлодарская область",
        "Павлодар облысы",
        "Вилояти Павлодар",
        "Pavlodar Region",
    ),
    (
        "KZ",
        "KZ-59",
        "Северо-Казахстанская область",
        "Солтүстік Қазақстан облысы",
        "Вилояти Қазоқистони Шимолӣ",
        "North Kazakhstan Region",
    ),
    (
        "KZ",
        "KZ-61",
        "Туркестанская область",
        "Түркістан облысы",
        "Вилояти Туркистон",
        "Turkistan Region",
    ),
    ("KZ", "KZ-62", "Улытауская область", "Ұлытау облысы", "Вилояти Улитау", "Ulytau Region"),
    (
        "KZ",
        "KZ-63",
        "Восточно-Казахстанская область",
        "Шығыс Қазақстан облысы",
        "Вилояти Қазоқистони Шарқӣ",
        "East Kazakhstan Region",
    ),
    ("KZ", "KZ-71", "Астана", "Астана", "Остона", "Astana"),
    ("KZ", "KZ-75", "Алматы", "Алматы", "Алмаато", "Almaty"),
    ("KZ", "KZ-79", "Шымкент", "Шымкент", "Шимкент", "Shymkent"),
    ("TJ", "TJ-DU", "Душанбе", "Душанбе", "Душанбе", "Dushanbe"),
    ("TJ", "TJ-SU", "Согдийская область", "Соғды облысы", "Вилояти Суғд", "Sughd Region"),
    ("TJ", "TJ-KT", "Хатлонская область", "Хатлон облысы", "Вилояти Хатлон", "Khatlon Region"),
    (
        "TJ",
        "TJ-GB",
        "Горно-Бадахшанская автономная область",
        "Таулы Бадахшан автономиялық облысы",
        "Вилояти Мухтори Кӯҳистони Бадахшон",
        "Gorno-Badakhshan Autonomous Region",
    ),
    (
        "TJ",
        "TJ-RA",
        "Районы республиканского подчинения",
        "Республикалық бағыныстағы аудандар",
        "Ноҳияҳои тобеи ҷумҳурӣ",
        "Districts of Republican Subordination",
    ),
]


OUTCOME_SOURCE = "Himoya domain reference (domain.md)"
KZ_CPC = "Criminal Procedure Code of Kazakhstan (2014), art. 179 (domain.md)"
KZ_REFUSAL = "domain.md: the exact wording of the refusal is to be verified"
TJ_CPC = "Criminal Procedure Code of Tajikistan (domain.md)"

# Outcomes of a case: (code, countries (empty: every country), ru, kk, tg, en, source,
# verified). Kazakhstan's procedure code has no "opening of a criminal case": a
# pre-trial investigation starts when the report is entered in the Unified Register of
# Pre-trial Investigations (ЕРДР), so its outcomes differ from Tajikistan's.
OUTCOMES: list[tuple[str, tuple[str, ...], str, str, str, str, str, bool]] = [
    (
        "investigation_started",
        ("KZ",),
        "Начато досудебное расследование (регистрация в ЕРДР)",
        "Сотқа дейінгі тергеп-тексеру басталды (СДТБТ-ге тіркелді)",
        "Тафтишоти пеш аз судӣ оғоз шуд (сабт дар феҳристи ягона)",
        "Pre-trial investigation started (entered in the Unified Register)",
        KZ_CPC,
        True,
    ),
    (
        "registration_refused",
        ("KZ",),
        "Отказ в регистрации заявления в ЕРДР",
        "Арызды СДТБТ-ге тіркеуден бас тартылды",
        "Аз сабти ариза дар феҳристи ягона рад карда шуд",
        "Entry of the report in the Unified Register refused",
        KZ_REFUSAL,
        False,
    ),
    (
        "criminal_case_opened",
        ("TJ",),
        "Возбуждено уголовное дело",
        "Қылмыстық іс қозғалды",
        "Парвандаи ҷиноятӣ оғоз карда шуд",
        "Criminal case opened",
        TJ_CPC,
        True,
    ),
    (
        "refused",
        ("TJ",),
        "Отказано в возбуждении уголовного дела",
        "Қылмыстық іс қозғаудан бас тартылды",
        "Оғози парвандаи ҷиноятӣ рад карда шуд",
        "Refused to open a criminal case",
        TJ_CPC,
        True,
    ),
    (
        "perpetrator_convicted",
        (),
        "Виновный осуждён",
        "Кінәлі сотталды",
        "Гунаҳкор маҳкум шуд",
        "Perpetrator convicted",
        OUTCOME_SOURCE,
        True,
    ),
    (
        "compensation",
        (),
        "Присуждена компенсация",
        "Өтемақы тағайындалды",
        "Ҷуброн таъин шуд",
        "Compensation awarded",
        OUTCOME_SOURCE,
        True,
    ),
    (
        "improved_conditions",
        (),
        "Условия содержания улучшены",
        "Ұстау жағдайы жақсарды",
        "Шароити нигоҳдорӣ беҳтар шуд",
        "Conditions improved",
        OUTCOME_SOURCE,
        True,
    ),
    (
        "withdrawn",
        (),
        "Отозвано заявителем",
        "Өтініш беруші кері қайтарып алды",
        "Аз ҷониби аризадиҳанда бозпас гирифта шуд",
        "Withdrawn by the applicant",
        OUTCOME_SOURCE,
        True,
    ),
    ("other", (), "Другое", "Басқа", "Дигар", "Other", OUTCOME_SOURCE, True),
]


def load_outcomes(term_model: Any) -> None:
    """Creates the missing outcome terms; never overwrites a steward's edits."""
    for order, (code, countries, ru, kk, tg, en, source, verified) in enumerate(OUTCOMES):
        term_model.objects.get_or_create(
            vocabulary="outcome",
            code=code,
            defaults={
                "label_ru": ru,
                "label_kk": kk,
                "label_tg": tg,
                "label_en": en,
                "order": order,
                "countries": list(countries),
                "source": source,
                "verified": verified,
            },
        )


# Methods of torture and ill-treatment (vocabulary "method"), for the allegation
# interview. Taken from the Istanbul Protocol's list of methods to ask about; shipped
# unverified until a steward checks each against the 2022 text (domain.md names the
# Protocol as the source, not this list).
METHOD_SOURCE = "OHCHR Istanbul Protocol (2022), chapter IV: methods of torture (to be verified)"
METHODS: list[tuple[str, str, str, str, str]] = [
    (
        "blunt_trauma",
        "Удары (кулаком, ногой, предметами)",
        "Соққы беру (жұдырықпен, аяқпен, заттармен)",
        "Задан (бо мушт, по, ашё)",
        "Blunt trauma (punches, kicks, objects)",
    ),
    (
        "positional",
        "Позиционные пытки (подвешивание, растяжка, вынужденная поза)",
        "Позициялық азаптау (асып қою, керу, мәжбүрлі қалып)",
        "Шиканҷаи вазъиятӣ (овезон кардан, кашидан, ҳолати маҷбурӣ)",
        "Positional torture (suspension, stretching, stress positions)",
    ),
    ("burns", "Ожоги", "Күйдіру", "Сӯзондан", "Burns"),
    (
        "electric_shock",
        "Удары электрическим током",
        "Электр тогымен азаптау",
        "Зарбаи ҷараёни барқ",
        "Electric shocks",
    ),
    (
        "asphyxiation",
        "Удушение (пакет, противогаз, вода)",
        "Тұншықтыру (пакет, газқағар, су)",
        "Буғӣ кардан (халта, противогаз, об)",
        "Asphyxiation (bag, gas mask, water)",
    ),
    (
        "crush_injuries",
        "Сдавливание, повреждение пальцев",
        "Қысып жаншу, саусақтарды жарақаттау",
        "Фишурдан, осеб расонидан ба ангуштон",
        "Crush injuries",
    ),
    (
        "penetrating",
        "Колющие и режущие повреждения",
        "Шаншылған және кесілген жарақаттар",
        "Ҷароҳатҳои сӯрохкунанда ва буранда",
        "Penetrating injuries",
    ),
    (
        "chemical",
        "Воздействие химических веществ",
        "Химиялық заттармен әсер ету",
        "Таъсири моддаҳои кимиёвӣ",
        "Chemical exposure",
    ),
    (
        "sexual",
        "Сексуальное насилие",
        "Жыныстық зорлық-зомбылық",
        "Зӯроварии ҷинсӣ",
        "Sexual violence",
    ),
    (
        "deprivation",
        "Лишение сна, пищи, воды, туалета, медицинской помощи",
        "Ұйқыдан, тамақтан, судан, дәретханадан, медициналық көмектен айыру",
        "Маҳрум кардан аз хоб, хӯрок, об, ҳоҷатхона, кӯмаки тиббӣ",
        "Deprivation of sleep, food, water, toilet or medical care",
    ),
    (
        "sensory",
        "Сенсорная депривация или перегрузка (темнота, шум, изоляция)",
        "Сенсорлық депривация немесе шамадан тыс жүктеме (қараңғылық, шу, оқшаулау)",
        "Маҳрумият ё фишори ҳиссӣ (торикӣ, садо, ҷудокунӣ)",
        "Sensory deprivation or overload (darkness, noise, isolation)",
    ),
    (
        "threats",
        "Угрозы смертью или вредом себе и близким",
        "Өзіне және жақындарына өліммен немесе зиянмен қорқыту",
        "Таҳдиди марг ё зарар ба худ ва наздикон",
        "Threats of death or harm to self or family",
    ),
    ("humiliation", "Унижение", "Қорлау", "Таҳқир", "Humiliation"),
    (
        "witnessing",
        "Принуждение быть свидетелем пыток других",
        "Басқаларды азаптауды көруге мәжбүрлеу",
        "Маҷбур кардан ба тамошои шиканҷаи дигарон",
        "Forced witnessing of torture of others",
    ),
    (
        "pharmacological",
        "Насильственное введение препаратов",
        "Дәрі-дәрмектерді күштеп енгізу",
        "Ворид кардани маҷбурии доруҳо",
        "Forced administration of drugs",
    ),
    ("other", "Другое", "Басқа", "Дигар", "Other"),
]


def load_methods(term_model: Any) -> None:
    """Creates the missing method terms; never overwrites a steward's edits."""
    for order, (code, ru, kk, tg, en) in enumerate(METHODS):
        term_model.objects.get_or_create(
            vocabulary="method",
            code=code,
            defaults={
                "label_ru": ru,
                "label_kk": kk,
                "label_tg": tg,
                "label_en": en,
                "order": order,
                "source": METHOD_SOURCE,
                "verified": False,
            },
        )


def load_reference_data(term_model: Any, region_model: Any, *, outcomes: bool = True) -> None:
    """Creates missing terms and regions; never overwrites a coordinator's edits.
    ``outcomes=False`` for the migration that ran before terms had countries."""
    if outcomes:
        load_outcomes(term_model)
        load_methods(term_model)
    for vocabulary, rows in TERMS.items():
        for order, (code, ru, kk, tg, en) in enumerate(rows):
            term_model.objects.get_or_create(
                vocabulary=vocabulary,
                code=code,
                defaults={
                    "label_ru": ru,
                    "label_kk": kk,
                    "label_tg": tg,
                    "label_en": en,
                    "order": order,
                    "source": VOCAB_SOURCE,
                    "verified": True,
                    "bit": order if vocabulary == "violation" else None,
                },
            )
    for country, code, ru, kk, tg, en in REGIONS:
        region_model.objects.get_or_create(
            country=country,
            name_ru=ru,
            defaults={
                "code": code,
                "name_kk": kk,
                "name_tg": tg,
                "name_en": en,
                "source": REGION_SOURCE,
                "verified": False,
            },
        )

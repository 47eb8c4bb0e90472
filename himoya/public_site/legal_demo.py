"""Demo content of the legal database, in ru, kk, tg and en. The citations are real (the
instruments, articles, symbols and dates are those of /work/shared/domain.md or of the
instruments themselves); the summaries are the demo's own wording, not the official
texts, and state no penalty (domain.md marks the penalties VERIFY). The model complaint
is fictional."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from himoya.public_site import content
from himoya.public_site.legal import LegalDocumentPage, LegalIndexPage, LegalTopic

TOPICS = {
    "torture": ("Пытки", "Азаптау", "Шиканҷа", "Torture"),
    "complaints": ("Жалобы", "Шағымдар", "Шикоятҳо", "Complaints"),
    "ombudsman": (
        "Уполномоченный по правам человека",
        "Адам құқықтары жөніндегі уәкіл",
        "Ваколатдор оид ба ҳуқуқи инсон",
        "Human rights commissioner",
    ),
    "un": ("Органы ООН", "БҰҰ органдары", "Мақомоти СММ", "UN bodies"),
}

INDEX = {
    "ru": (
        "Правовая база",
        "<p>Законы, международные стандарты и образцы документов о "
        "защите от пыток. Тексты здесь — краткое изложение; официальный текст — по ссылке "
        "на источник.</p>",
    ),
    "kk": (
        "Құқықтық база",
        "<p>Азаптаудан қорғау туралы заңдар, халықаралық стандарттар "
        "және құжат үлгілері. Мұнда қысқаша мазмұны берілген; ресми мәтін дереккөз "
        "сілтемесі бойынша.</p>",
    ),
    "tg": (
        "Пойгоҳи ҳуқуқӣ",
        "<p>Қонунҳо, стандартҳои байналмилалӣ ва намунаҳои ҳуҷҷатҳо "
        "оид ба ҳимоя аз шиканҷа. Дар ин ҷо мазмуни мухтасар оварда шудааст; матни расмӣ — "
        "тавассути истинод ба манбаъ.</p>",
    ),
    "en": (
        "Legal database",
        "<p>Laws, international standards and model documents on "
        "protection from torture. The texts here are summaries; the official text is at "
        "the source link.</p>",
    ),
}

# slug, kind, country, document language, citation, url, date, in force since, topics,
# then (title, body) per language.
DOCUMENTS = [
    (
        "convention-against-torture",
        "un_standard",
        "INT",
        "en",
        "UN General Assembly resolution 39/46 of 10 December 1984",
        "https://www.ohchr.org/en/instruments-mechanisms/instruments/convention-against-torture-and-other-cruel-inhuman-or-degrading",
        datetime.date(1984, 12, 10),
        datetime.date(1987, 6, 26),
        ["torture", "un"],
        {
            "ru": (
                "Конвенция против пыток и других жестоких, бесчеловечных или унижающих "
                "достоинство видов обращения и наказания",
                "<p>Государства обязаны предотвращать пытки, расследовать каждое сообщение о "
                "пытках и не использовать показания, полученные под пыткой. Жертва пыток "
                "имеет право на возмещение и реабилитацию.</p>",
            ),
            "kk": (
                "Азаптауларға және басқа да қатыгез, адамгершілікке жатпайтын немесе ар-"
                "намысты қорлайтын іс-әрекеттер мен жазалау түрлеріне қарсы конвенция",
                "<p>Мемлекеттер азаптаудың алдын алуға, азаптаған адамдар туралы әрбір "
                "хабарды тергеуге және азаптаудан алынған айғақтарды пайдаланбауға "
                "міндетті. Азаптау құрбаны өтемақы мен оңалтуға құқылы.</p>",
            ),
            "tg": (
                "Конвенсия зидди шиканҷа ва дигар намудҳои муомила ва ҷазои бераҳмона, "
                "ғайриинсонӣ ё таҳқиркунанда",
                "<p>Давлатҳо вазифадоранд шиканҷаро пешгирӣ кунанд, ҳар хабарро дар бораи "
                "шиканҷаҳо тафтиш намоянд ва нишондодҳоеро, ки бо шиканҷа гирифта шудаанд, "
                "истифода набаранд. Қурбонии шиканҷа ба ҷуброн ва тавонбахшӣ ҳақ дорад.</p>",
            ),
            "en": (
                "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment "
                "or Punishment",
                "<p>States must prevent torture, investigate every report of torture and "
                "never use statements obtained under torture. A victim of torture has the "
                "right to redress and rehabilitation.</p>",
            ),
        },
    ),
    (
        "iccpr-article-7",
        "un_standard",
        "INT",
        "en",
        "International Covenant on Civil and Political Rights, art. 7 (UN General Assembly "
        "resolution 2200A (XXI) of 16 December 1966)",
        "https://www.ohchr.org/en/instruments-mechanisms/instruments/international-covenant-civil-and-political-rights",
        datetime.date(1966, 12, 16),
        datetime.date(1976, 3, 23),
        ["torture", "un"],
        {
            "ru": (
                "Международный пакт о гражданских и политических правах, статья 7",
                "<p>Никто не должен подвергаться пыткам или жестоким, бесчеловечным или "
                "унижающим достоинство обращению или наказанию.</p>",
            ),
            "kk": (
                "Азаматтық және саяси құқықтар туралы халықаралық пакт, 7-бап",
                "<p>Ешкім азаптауға немесе қатыгез, адамгершілікке жатпайтын не ар-намысты "
                "қорлайтын қарым-қатынасқа немесе жазаға ұшыратылмауға тиіс.</p>",
            ),
            "tg": (
                "Паймони байналмилалӣ дар бораи ҳуқуқҳои шаҳрвандӣ ва сиёсӣ, моддаи 7",
                "<p>Ҳеҷ кас набояд ба шиканҷа ё муомила ва ҷазои бераҳмона, ғайриинсонӣ ё "
                "таҳқиркунанда дучор карда шавад.</p>",
            ),
            "en": (
                "International Covenant on Civil and Political Rights, article 7",
                "<p>No one shall be subjected to torture or to cruel, inhuman or degrading "
                "treatment or punishment.</p>",
            ),
        },
    ),
    (
        "kz-criminal-code-146",
        "article",
        "KZ",
        "ru",
        "Уголовный кодекс Республики Казахстан от 3 июля 2014 года № 226-V, статья 146",
        "https://adilet.zan.kz/rus/docs/K1400000226",
        datetime.date(2014, 7, 3),
        datetime.date(2015, 1, 1),
        ["torture"],
        {
            "ru": (
                "УК РК, статья 146. Пытки и жестокое обращение",
                "<p>Часть первая — жестокое, бесчеловечное или унижающее достоинство "
                "обращение со стороны должностного лица или с его согласия. Часть вторая — "
                "пытки: чтобы получить сведения или признание, наказать, запугать, принудить "
                "или из-за дискриминации. Часть третья — отягчающие обстоятельства: группой "
                "лиц, неоднократно, в отношении беременной женщины или несовершеннолетнего. "
                "Условное осуждение за пытки не применяется (статья 63).</p>",
            ),
            "kk": (
                "ҚР ҚК, 146-бап. Азаптау және қатыгездік",
                "<p>Бірінші бөлік — лауазымды адамның немесе оның келісімімен қатыгез, "
                "адамгершілікке жатпайтын не ар-намысты қорлайтын қарым-қатынас. Екінші бөлік "
                "— азаптау: мәлімет не мойындау алу, жазалау, қорқыту, мәжбүрлеу үшін немесе "
                "кемсітушілікке байланысты. Үшінші бөлік — ауырлататын мән-жайлар: адамдар "
                "тобы, бірнеше рет, жүкті әйелге немесе кәмелетке толмағанға қатысты. "
                "Азаптағаны үшін шартты түрде соттау қолданылмайды (63-бап).</p>",
            ),
            "tg": (
                "КҶ ҶҚ, моддаи 146. Шиканҷа ва муомилаи бераҳмона (Қазоқистон)",
                "<p>Қисми якум — муомилаи бераҳмона, ғайриинсонӣ ё таҳқиркунанда аз ҷониби "
                "шахси мансабдор ё бо розигии ӯ. Қисми дуюм — шиканҷа барои гирифтани "
                "маълумот ё иқрор, ҷазо додан, тарсондан, маҷбур кардан ё бо сабаби табъиз. "
                "Қисми сеюм — ҳолатҳои вазнинкунанда: гурӯҳи шахсон, такроран, нисбат ба "
                "зани ҳомиладор ё ноболиғ.</p>",
            ),
            "en": (
                "Criminal Code of Kazakhstan, article 146: torture and cruel treatment",
                "<p>Part 1: cruel, inhuman or degrading treatment by an official or with an "
                "official's acquiescence. Part 2: torture, to obtain information or a "
                "confession, to punish, intimidate or coerce, or for discrimination. Part 3: "
                "aggravated forms (by a group, repeatedly, against a pregnant woman or a "
                "minor). A suspended sentence for torture is barred (article 63).</p>",
            ),
        },
    ),
    (
        "tj-criminal-code-143-1",
        "article",
        "TJ",
        "tg",
        "Кодекси ҷиноятии Ҷумҳурии Тоҷикистон аз 21 майи соли 1998, моддаи 143-1 (соли 2012 "
        "илова, соли 2020 тағйир дода шудааст)",
        "",
        datetime.date(1998, 5, 21),
        None,
        ["torture"],
        {
            "ru": (
                "УК РТ, статья 143-1. Пытка",
                "<p>Статья введена в 2012 году и изменена в 2020 году. Дела о пытках "
                "расследует прокуратура (статья 161 УПК). Текст статьи сверяйте с "
                "официальным изданием.</p>",
            ),
            "kk": (
                "ТР ҚК, 143-1-бап. Азаптау (Тәжікстан)",
                "<p>Бап 2012 жылы енгізіліп, 2020 жылы өзгертілген. Азаптау істерін "
                "прокуратура тергейді (ҚПК 161-бап).</p>",
            ),
            "tg": (
                "КҶ ҶТ, моддаи 143-1. Шиканҷа",
                "<p>Модда соли 2012 илова ва соли 2020 тағйир дода шудааст. Парвандаҳоро дар "
                "бораи шиканҷаҳо прокуратура тафтиш мекунад (моддаи 161 КМҶ). Матни моддаро "
                "бо нашри расмӣ муқоиса кунед.</p>",
            ),
            "en": (
                "Criminal Code of Tajikistan, article 143-1: torture",
                "<p>Added in 2012 and revised in 2020. Torture cases are investigated by "
                "prosecutors (Criminal Procedure Code, article 161). Check the text against "
                "the official publication.</p>",
            ),
        },
    ),
    (
        "cat-c-kaz-co-4",
        "un_decision",
        "KZ",
        "en",
        "CAT/C/KAZ/CO/4, Committee against Torture, concluding observations, adopted 10 May 2023",
        "",
        datetime.date(2023, 5, 10),
        None,
        ["torture", "un"],
        {
            "ru": (
                "Заключительные замечания Комитета против пыток по Казахстану (CAT/C/KAZ/CO/4)",
                "<p>Комитет против пыток рассмотрел четвёртый доклад Казахстана, в том "
                "числе расследование жалоб на пытки и запрет условного осуждения за "
                "пытки.</p>",
            ),
            "kk": (
                "Азаптауға қарсы комитеттің Қазақстан бойынша қорытынды ескертулері "
                "(CAT/C/KAZ/CO/4)",
                "<p>Азаптауға қарсы комитет Қазақстанның төртінші баяндамасын, соның ішінде "
                "азаптау туралы шағымдарды тергеуді қарады.</p>",
            ),
            "tg": (
                "Мулоҳизаҳои хотимавии Кумита зидди шиканҷа оид ба Қазоқистон (CAT/C/KAZ/CO/4)",
                "<p>Кумита зидди шиканҷа гузориши чоруми Қазоқистонро, аз ҷумла тафтиши "
                "шикоятҳоро дар бораи шиканҷа, баррасӣ кард.</p>",
            ),
            "en": (
                "Committee against Torture, concluding observations on Kazakhstan (CAT/C/KAZ/CO/4)",
                "<p>The Committee against Torture considered Kazakhstan's fourth report, "
                "including the investigation of torture complaints and the bar on "
                "suspended sentences for torture.</p>",
            ),
        },
    ),
    (
        "kz-ombudsman-law",
        "law",
        "KZ",
        "ru",
        "Конституционный закон Республики Казахстан от 5 ноября 2022 года № 154-VII "
        "«Об Уполномоченном по правам человека в Республике Казахстан»",
        "",
        datetime.date(2022, 11, 5),
        None,
        ["ombudsman", "complaints"],
        {
            "ru": (
                "Конституционный закон об Уполномоченном по правам человека (Казахстан)",
                "<p>Государственные органы рассматривают рекомендации Уполномоченного в "
                "течение 15 рабочих дней (статья 15). Уполномоченный представлен в каждой "
                "области.</p>",
            ),
            "kk": (
                "Адам құқықтары жөніндегі уәкіл туралы конституциялық заң (Қазақстан)",
                "<p>Мемлекеттік органдар Уәкілдің ұсынымдарын 15 жұмыс күні ішінде "
                "қарайды (15-бап).</p>",
            ),
            "tg": (
                "Қонуни конститутсионӣ дар бораи Ваколатдор оид ба ҳуқуқи инсон (Қазоқистон)",
                "<p>Мақомоти давлатӣ тавсияҳои Ваколатдорро дар давоми 15 рӯзи корӣ баррасӣ "
                "мекунанд (моддаи 15).</p>",
            ),
            "en": (
                "Constitutional Law on the Human Rights Commissioner (Kazakhstan)",
                "<p>State bodies consider the Commissioner's recommendations within 15 "
                "working days (article 15). The Commissioner has representatives in every "
                "region.</p>",
            ),
        },
    ),
    (
        "tj-ombudsman-law",
        "law",
        "TJ",
        "tg",
        "Қонуни Ҷумҳурии Тоҷикистон аз 20 марти соли 2008, № 372 «Дар бораи Ваколатдор оид "
        "ба ҳуқуқи инсон дар Ҷумҳурии Тоҷикистон»",
        "",
        datetime.date(2008, 3, 20),
        None,
        ["ombudsman", "complaints"],
        {
            "ru": (
                "Закон об Уполномоченном по правам человека (Таджикистан)",
                "<p>Закон № 372 от 20 марта 2008 года (с изменениями по 2024 год). В группу "
                "мониторинга закрытых учреждений при Уполномоченном входят члены "
                "Коалиции.</p>",
            ),
            "kk": (
                "Адам құқықтары жөніндегі уәкіл туралы заң (Тәжікстан)",
                "<p>2008 жылғы 20 наурыздағы № 372 заң (2024 жылға дейінгі өзгерістермен).</p>",
            ),
            "tg": (
                "Қонун дар бораи Ваколатдор оид ба ҳуқуқи инсон (Тоҷикистон)",
                "<p>Қонуни № 372 аз 20 марти соли 2008 (бо тағйиротҳо то соли 2024). Ба "
                "гурӯҳи мониторинги муассисаҳои пӯшида аъзоёни Эътилоф дохил мешаванд.</p>",
            ),
            "en": (
                "Law on the Human Rights Commissioner (Tajikistan)",
                "<p>Law No. 372 of 20 March 2008 (amended to 2024). The Commissioner's "
                "monitoring group of closed institutions includes Coalition members.</p>",
            ),
        },
    ),
    (
        "model-complaint-prosecutor",
        "model_document",
        "KZ",
        "ru",
        "Образец демо-организации (вымышленный текст)",
        "",
        datetime.date(2026, 1, 15),
        None,
        ["complaints", "torture"],
        {
            "ru": (
                "Образец заявления о пытках в прокуратуру",
                "<p>Заполните образец своими словами: кто, когда и где применял пытки, "
                "какие следы остались, кто может подтвердить. Сохраните копию с отметкой о "
                "принятии.</p>",
            ),
            "kk": (
                "Азаптау туралы прокуратураға өтініш үлгісі",
                "<p>Үлгіні өз сөзіңізбен толтырыңыз: кім, қашан және қайда азаптады, қандай "
                "із қалды, кім растай алады.</p>",
            ),
            "tg": (
                "Намунаи ариза дар бораи шиканҷа ба прокуратура",
                "<p>Намунаро бо суханони худ пур кунед: кӣ, кай ва дар куҷо шиканҷа кард, "
                "кадом осор монд, кӣ тасдиқ карда метавонад.</p>",
            ),
            "en": (
                "Model complaint about torture to the prosecutor",
                "<p>Fill in the model in your own words: who used torture, when and where, "
                "what marks were left, who can confirm it. Keep a copy stamped as "
                "received.</p>",
            ),
        },
    ),
]

MODEL_COMPLAINT = (
    "Прокурору ______________ (демо-образец, вымышленный текст)\n"
    "от ______________, адрес и телефон ______________\n\n"
    "ЗАЯВЛЕНИЕ о применении пыток\n\n"
    "Я, ______________, сообщаю, что (дата) в (место) сотрудники ______________ ...\n"
    "Прошу зарегистрировать заявление и провести проверку.\n\n"
    "Дата ______  Подпись ______\n"
)


def _topics() -> dict[str, LegalTopic]:
    found = {}
    for slug, (ru, kk, tg, en) in TOPICS.items():
        found[slug], _created = LegalTopic.objects.update_or_create(
            slug=slug, defaults={"name_ru": ru, "name_kk": kk, "name_tg": tg, "name_en": en}
        )
    return found


def _model_file() -> object:
    document_model = get_document_model()
    existing = document_model.objects.filter(title="Образец заявления о пытках").first()
    if existing is not None:
        return existing
    document = document_model(title="Образец заявления о пытках")
    document.file.save(
        "obrazec-zayavleniya-o-pytkah.txt", ContentFile(MODEL_COMPLAINT.encode()), save=False
    )
    document.save()
    return document


def load(home: content.HomePage) -> LegalIndexPage:
    """The legal database under ``home`` (the Russian home page), translated."""
    existing = LegalIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    topics = _topics()
    title, intro = INDEX["ru"]
    index = content.child_page(
        home, LegalIndexPage(title=title, slug="legal", intro=intro, show_in_menus=True)
    )
    for code in ("kk", "tg", "en"):
        title, intro = INDEX[code]
        content.translation(index, code, title=title, intro=intro)
    for slug, kind, country, language, citation, url, date, since, topic_slugs, texts in DOCUMENTS:
        title, body = texts["ru"]
        page = LegalDocumentPage(
            title=title,
            slug=slug,
            kind=kind,
            country=country,
            document_language=language,
            source_citation=citation,
            source_url=url,
            date=date,
            in_force=True,
            in_force_since=since,
            body=body,
            file=_model_file() if kind == "model_document" else None,
        )
        page.topics.set([topics[t] for t in topic_slugs])
        content.child_page(index, page)
        for code in ("kk", "tg", "en"):
            title, body = texts[code]
            content.translation(page, code, title=title, body=body)
    return index

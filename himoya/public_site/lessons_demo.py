"""Demo video lessons: a course on documenting torture with two lessons (one with a
short video kept here, captioned in the four languages; one linking to a video on
another host) and two courses still without lessons, all in ru, kk, tg and en.

The video (fixtures/lesson-card.webm, 8 seconds, VP9, 59 KB) is a coloured card with a
counter, made once with ffmpeg:
    ffmpeg -f lavfi -i color=c=0x1f4e79:s=640x360:d=8:r=24 -vf "drawtext=...Himoya...,
    drawtext=...%{eif:t+1:d} / 8...,drawbox=x=40+t*65:..." -c:v libvpx-vp9 -b:v 150k -g 24 -an
It is kept small and committed, so the demo needs no encoder, only the checker's ffprobe;
without ffprobe the video lesson is left out and the demo says so."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.base import File as DjangoFile

from himoya.core.demo_loader import DemoContext
from himoya.public_site import content, video_checks
from himoya.public_site.lessons import (
    CoursePage,
    CoursesPage,
    LessonPage,
    LessonVideo,
    lesson_video_create,
)
from himoya.public_site.models import HomePage

VIDEO = Path(__file__).parent / "fixtures" / "lesson-card.webm"
LANGUAGES = ("ru", "kk", "tg", "en")

# Each caption: (start, end, text); the same timing in every language.
CAPTIONS = {
    "ru": [
        ("00:00.000", "00:03.000", "Запишите всё, что помните, как можно скорее."),
        ("00:03.000", "00:06.000", "Попросите врача описать каждую травму."),
        ("00:06.000", "00:08.000", "Сохраните копии всех документов."),
    ],
    "kk": [
        ("00:00.000", "00:03.000", "Есіңізде қалғанның бәрін мүмкіндігінше тез жазып алыңыз."),
        ("00:03.000", "00:06.000", "Дәрігерден әр жарақатты сипаттап беруін сұраңыз."),
        ("00:06.000", "00:08.000", "Барлық құжаттың көшірмесін сақтаңыз."),
    ],
    "tg": [
        ("00:00.000", "00:03.000", "Ҳар чиро, ки дар ёд доред, ҳар чи зудтар нависед."),
        ("00:03.000", "00:06.000", "Аз духтур хоҳиш кунед, ки ҳар як осебро тавсиф кунад."),
        ("00:06.000", "00:08.000", "Нусхаи ҳамаи ҳуҷҷатҳоро нигоҳ доред."),
    ],
    "en": [
        ("00:00.000", "00:03.000", "Write down everything you remember as soon as you can."),
        ("00:03.000", "00:06.000", "Ask a doctor to describe every injury."),
        ("00:06.000", "00:08.000", "Keep copies of all documents."),
    ],
}

INDEX = {
    "ru": ("Видеоуроки", "<p>Короткие уроки для пострадавших, их близких и юристов.</p>"),
    "kk": (
        "Бейнесабақтар",
        "<p>Зардап шеккендерге, олардың жақындары мен заңгерлерге арналған қысқа сабақтар.</p>",
    ),
    "tg": (
        "Дарсҳои видеоӣ",
        "<p>Дарсҳои кӯтоҳ барои осебдидагон, наздиконашон ва ҳуқуқшиносон.</p>",
    ),
    "en": ("Video lessons", "<p>Short lessons for survivors, their families and lawyers.</p>"),
}

COURSES = [
    (
        "documenting",
        {
            "ru": ("Документирование пыток", "<p>Как сохранить следы и показания.</p>"),
            "kk": ("Азаптауды құжаттау", "<p>Іздер мен айғақтарды қалай сақтауға болады.</p>"),
            "tg": (
                "Ҳуҷҷатгузории шиканҷа",
                "<p>Чӣ тавр нишонаҳо ва нишондодҳоро нигоҳ доштан мумкин аст.</p>",
            ),
            "en": ("Documenting torture", "<p>How to keep the traces and the testimony.</p>"),
        },
    ),
    (
        "complaint",
        {
            "ru": ("Подача жалобы", "<p>Куда и как жаловаться на пытки.</p>"),
            "kk": ("Шағым беру", "<p>Азаптау туралы қайда және қалай шағымдануға болады.</p>"),
            "tg": (
                "Пешниҳоди шикоят",
                "<p>Дар бораи шиканҷа ба куҷо ва чӣ тавр шикоят кардан мумкин аст.</p>",
            ),
            "en": ("Filing a complaint", "<p>Where and how to complain about torture.</p>"),
        },
    ),
    (
        "un",
        {
            "ru": ("Обращение в ООН", "<p>Когда и как обратиться в Комитет ООН против пыток.</p>"),
            "kk": (
                "БҰҰ-ға жүгіну",
                "<p>БҰҰ-ның Азаптауға қарсы комитетіне қашан және қалай жүгінуге болады.</p>",
            ),
            "tg": (
                "Муроҷиат ба СММ",
                "<p>Кай ва чӣ тавр ба Кумитаи СММ зидди шиканҷа муроҷиат кардан мумкин аст.</p>",
            ),
            "en": (
                "Going to the UN",
                "<p>When and how to turn to the UN Committee against Torture.</p>",
            ),
        },
    ),
]

FIRST_STEPS = {
    "ru": ("Первые шаги после пыток", "Что записать и сохранить в первые дни."),
    "kk": ("Азаптаудан кейінгі алғашқы қадамдар", "Алғашқы күндері не жазып, нені сақтау керек."),
    "tg": (
        "Қадамҳои аввал пас аз шиканҷа",
        "Дар рӯзҳои аввал чиро навиштан ва нигоҳ доштан лозим аст.",
    ),
    "en": ("First steps after torture", "What to write down and keep in the first days."),
}

PHOTOS = {
    "ru": ("Как фотографировать травмы", "Урок демо-партнёра на внешнем видеохостинге."),
    "kk": (
        "Жарақаттарды қалай суретке түсіру керек",
        "Демо-серіктестің сыртқы бейнехостингтегі сабағы.",
    ),
    "tg": (
        "Чӣ тавр осебҳоро сурат гирифтан лозим",
        "Дарси шарики намоишӣ дар сомонаи берунаи видео.",
    ),
    "en": ("How to photograph injuries", "A demo partner's lesson on an outside video host."),
}
PHOTOS_URL = "https://video.example.org/demo/photographing-injuries"


def captions_file(language: str) -> str:
    lines = ["WEBVTT", ""]
    for start, end, text in CAPTIONS[language]:
        lines += [f"{start} --> {end}", text, ""]
    return "\n".join(lines)


def _titled(texts: tuple[str, str]) -> dict[str, str]:
    return {"title": texts[0], "summary": texts[1]}


def transcript(language: str) -> str:
    return "".join(f"<p>{text}</p>" for _start, _end, text in CAPTIONS[language])


def _video(ctx: DemoContext) -> LessonVideo | None:
    found = LessonVideo.objects.filter(title="Demo: first steps").first()
    if found is not None:
        return found
    if video_checks.probe_tool() is None:
        ctx.lines.append("Public site: no ffprobe, so the demo's video lesson is left out.")
        return None
    with open(VIDEO, "rb") as handle:
        return lesson_video_create(
            title="Demo: first steps",
            video=DjangoFile(handle, name=VIDEO.name),
            captions={
                code: ContentFile(captions_file(code).encode(), name=f"{code}.vtt")
                for code in LANGUAGES
            },
        )


def load(ctx: DemoContext, home: HomePage) -> None:
    if CoursesPage.objects.exists():
        return
    title, intro = INDEX["ru"]
    index = content.child_page(
        home, CoursesPage(title=title, slug="lessons", intro=intro, show_in_menus=True)
    )
    for code in LANGUAGES[1:]:
        title, intro = INDEX[code]
        content.translation(index, code, title=title, intro=intro)
    courses = {}
    for slug, texts in COURSES:
        title, intro = texts["ru"]
        course = content.child_page(index, CoursePage(title=title, slug=slug, intro=intro))
        for code in LANGUAGES[1:]:
            title, intro = texts[code]
            content.translation(course, code, title=title, intro=intro)
        courses[slug] = course
    video = _video(ctx)
    lessons = []
    if video is not None:
        title, summary = FIRST_STEPS["ru"]
        lessons.append(
            (
                LessonPage(
                    title=title, slug="first-steps", summary=summary, video=video,
                    transcript=transcript("ru"),
                ),
                {code: {"title": FIRST_STEPS[code][0], "summary": FIRST_STEPS[code][1],
                        "transcript": transcript(code)} for code in LANGUAGES[1:]},
            )
        )  # fmt: skip
    title, summary = PHOTOS["ru"]
    lessons.append(
        (
            LessonPage(title=title, slug="photographs", summary=summary, external_url=PHOTOS_URL),
            {code: _titled(PHOTOS[code]) for code in LANGUAGES[1:]},
        )
    )
    for page, translations in lessons:
        lesson = content.child_page(courses["documenting"], page)
        for code, fields in translations.items():
            content.translation(lesson, code, **fields)

"""Fictional case text for benchmarks: summaries and appeal stories.

Words come from a vocabulary with Zipf frequencies, as in real narratives: a few words
in most cases (задержан, сотрудники, избили), a long middle, and a tail of rare words
(made-up names of streets, villages, officials) that only a handful of cases share.
The common words are ordinary Russian words of such narratives (no one's data); the rest
are pseudo-words put together from syllables at random, like every name in
``bench/generate.py``.
"""

from __future__ import annotations

import random
from itertools import accumulate

# Ordinary words of appeals about detention and ill-treatment, most frequent first
# (several grammatical forms, as people write them).
_COMMON = """
задержан сотрудники полиции избили сына отдел ночью были после его
удары били ногами изолятор следователь адвокат требовали признание показания
жалоба прокуратуру голове избиение больницу врач синяки телесные повреждения
задержали пытки пытками угрожали родственники мать отец брат жена дома
обыск машину отвезли участок камеру часов суток воды еды туалет
допрос допроса протокол подписать отказался применили силу наручники пакет
электрошокер дубинкой задыхался кричал угрозы семье освободили арестовали
суд судья приговор срок колонию сизо ивс этапировали перевели
здоровье лечение медицинской помощи отказали справку экспертиза экспертизы
заявление заявлению ответ ответа отказ возбуждении уголовного дела проверки
милиция милиции участковый оперативники начальник майор капитан лейтенант
свидетели свидетель видели слышали соседи работы рынке улице районе города
село села области рубцы переломы ребер сотрясение мозга госпитализирован
"""
COMMON = _COMMON.split()

CONSONANTS = "бвгджзклмнпрстхчшқғҳҷ"
VOWELS = "аеиоуыәөӯ"
ENDINGS = ("", "", "н", "р", "в", "ст")
TAIL = 5000  # pseudo-words after the common ones, still Zipf
RARE = 300_000  # the space of rare words, drawn uniformly


def pseudo_word(index: int, syllables: int = 3) -> str:
    """The ``index``-th pseudo-word (deterministic, distinct for distinct indexes)."""
    parts = []
    for _ in range(syllables):
        index, c = divmod(index, len(CONSONANTS))
        index, v = divmod(index, len(VOWELS))
        parts.append(CONSONANTS[c] + VOWELS[v])
    return "".join(parts) + ENDINGS[index % len(ENDINGS)]


class Corpus:
    def __init__(self) -> None:
        rng = random.Random(11)
        tail = sorted({pseudo_word(rng.randrange(10**7), 2) for _ in range(TAIL)})
        rng.shuffle(tail)
        self.vocabulary = COMMON + tail
        self.known = frozenset(self.vocabulary)
        # Zipf-Mandelbrot (1 / (rank + 5)): the commonest word is about 2.4 % of all words.
        self._cum = list(accumulate(1 / (r + 5) for r in range(1, len(self.vocabulary) + 1)))

    def words(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.vocabulary, cum_weights=self._cum, k=k)

    def rare(self, rng: random.Random) -> str:
        # 3 syllables + a tail letter: never one of the 2-syllable vocabulary words.
        return pseudo_word(rng.randrange(RARE), 3).capitalize()

    def summary(self, rng: random.Random) -> str:
        return " ".join(self.words(rng, rng.randint(6, 12)))

    def story(self, rng: random.Random) -> str:
        """An appeal's text: 30 to 70 words, with zero to two rare words."""
        words = self.words(rng, rng.randint(30, 70))
        for _ in range(rng.choice((0, 1, 1, 2))):
            words.insert(rng.randrange(len(words)), self.rare(rng))
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."


CORPUS = Corpus()

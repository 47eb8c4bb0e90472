"""Recall of the legal database's search on word forms, against PostgreSQL's own
configurations: each form of a word is a document, each other form of the same word a
query; a pair counts as found when the query finds the document. "False" counts the
pairs of forms of different words that match (a word found by another word).

``python -m himoya.public_site.legal_recall`` prints the table (needs the database:
run it with the Django settings, e.g. through ``himoya shell``)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from django.db import connection

from himoya.public_site.legal_search import document_vector, parse

FORMS: dict[str, list[list[str]]] = {
    "ru": [
        ["пытка", "пытки", "пыток", "пыткам", "пытками", "пытках"],
        ["жалоба", "жалобы", "жалоб", "жалобами"],
        ["задержание", "задержания", "задержанием", "задержании"],
        # added after the stemmer was written, not tuned for:
        ["заявление", "заявления", "заявлений", "заявлениями"],
        ["суд", "суда", "судами", "суде"],
    ],
    "kk": [
        ["азаптау", "азаптаудан", "азаптаған", "азаптауға", "азаптаушы", "азаптаулар"],
        ["шағым", "шағымы", "шағымдар", "шағымды", "шағымның", "шағымдарды"],
        ["заң", "заңы", "заңдар", "заңның", "заңға"],
        # added after the stemmer was written, not tuned for:
        ["құқық", "құқығы", "құқықтар", "құқықтарын"],
        ["тергеу", "тергеуді", "тергеушілер", "тергеуге"],
        # added with the consonant alternation and the accusative "-н" (5 Dec 2026):
        ["талап", "талабы", "талаптар", "талаптарын", "талапқа"],
        ["көмек", "көмегі", "көмектер", "көмекке", "көмектерін"],
        ["бұйрық", "бұйрығы", "бұйрықтар", "бұйрықтарын"],
    ],
    "tg": [
        ["шиканҷа", "шиканҷаи", "шиканҷаҳо", "шиканҷаро", "шиканҷаҳои"],
        ["шикоят", "шикояти", "шикоятҳо", "шикоятро"],
        ["ҳуқуқ", "ҳуқуқи", "ҳуқуқҳо", "ҳуқуқҳои"],
        # added after the stemmer was written, not tuned for:
        ["ариза", "аризаи", "аризаҳо", "аризаро"],
        ["прокурор", "прокурори", "прокурорҳо", "прокурорро"],
    ],
}


@dataclass
class Figures:
    language: str
    strategy: str
    pairs: int
    found: int
    false: int

    @property
    def recall(self) -> float:
        return self.found / self.pairs if self.pairs else 0.0


def _matches(strategy: str, document: str, query: str, language: str) -> bool:
    with connection.cursor() as cursor:
        if strategy == "this search":
            tsquery = parse(query).tsquery
            cursor.execute(
                "SELECT %s::tsvector @@ %s::tsquery",
                [document_vector(document, "", language), tsquery],
            )
        else:
            cursor.execute(
                "SELECT to_tsvector(%s::regconfig, %s) @@ plainto_tsquery(%s::regconfig, %s)",
                [strategy, document, strategy, query],
            )
        return bool(cursor.fetchone()[0])


def measure(strategies: tuple[str, ...] = ("simple", "russian", "this search")) -> list[Figures]:
    out = []
    for language, groups in FORMS.items():
        for strategy in strategies:
            figures = Figures(language, strategy, 0, 0, 0)
            for g, group in enumerate(groups):
                for document, query in product(group, group):
                    if document != query:
                        figures.pairs += 1
                        figures.found += _matches(strategy, document, query, language)
                for other in groups[g + 1 :]:
                    for document, query in product(group, other):
                        figures.false += _matches(strategy, document, query, language)
                        figures.false += _matches(strategy, query, document, language)
            out.append(figures)
    return out


def table(figures: list[Figures]) -> str:
    lines = ["language  strategy       pairs  found  recall  false"]
    for f in figures:
        lines.append(
            f"{f.language:<9} {f.strategy:<13} {f.pairs:>6} {f.found:>6}  "
            f"{f.recall:>6.2f} {f.false:>6}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import django

    django.setup()
    print(table(measure()))

"""An independent oracle for the yearly statistics (``himoya.stats.report``): the same
report from plain ORM aggregates over the appeals, so the count table and its one-statement
report can be checked against something that shares none of their SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import BigIntegerField, Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from himoya.cases.models import Appeal
from himoya.outreach.models import Publication, Training
from himoya.reference import vocab
from himoya.reference.models import Term
from himoya.stats.report import Report, _bounds, _clean, _empty, _split_masks


def report_by_orm(year: int, org_ids: Sequence[int]) -> Report:
    """The yearly report computed another way: one ORM aggregate per breakdown over the
    appeals, no count table. The tests hold ``yearly_stats`` to it."""
    start, end = _bounds(year)
    appeals_qs = Appeal.objects.filter(
        organisation_id__in=org_ids, received_on__gte=start, received_on__lt=end
    )
    report = _empty(year)
    appeals = report["appeals"]
    appeals.update(
        appeals_qs.aggregate(
            total=Count("pk"),
            legal_aid=Count("pk", filter=Q(legal_aid=True)),
            minors=Count("pk", filter=Q(victim_minor=True)),
        )
    )

    def by(qs: QuerySet[Any], key: str) -> list[tuple[Any, int]]:
        return list(qs.order_by().values_list(key).annotate(n=Count("pk")).values_list(key, "n"))

    appeals["by_agency"] = _clean(
        (code or "unknown", n) for code, n in by(appeals_qs, "agency__code")
    )
    appeals["by_channel"] = _clean(by(appeals_qs, "channel__code"))
    appeals["by_country"] = _clean(by(appeals_qs, "country"))
    appeals["by_sex"] = _clean(by(appeals_qs, "victim_sex"))
    codes_by_bit = {
        int(bit): code
        for bit, code in Term.objects.filter(
            vocabulary=vocab.VIOLATION, bit__isnull=False
        ).values_list("bit", "code")
        if bit is not None
    }
    appeals["by_violation"] = _split_masks(by(appeals_qs, "violation_mask"), codes_by_bit)
    rehab_qs = Appeal.objects.filter(
        organisation_id__in=org_ids,
        rehabilitation_started_on__gte=start,
        rehabilitation_started_on__lt=end,
    ).annotate(person=Coalesce(F("victim_id"), -F("id"), output_field=BigIntegerField()))
    rehab = report["rehabilitation"]
    rehab.update(
        rehab_qs.aggregate(
            total=Count("person", distinct=True),
            minors=Count("person", distinct=True, filter=Q(victim_minor=True)),
        )
    )
    rehab["by_sex"] = _clean(
        rehab_qs.order_by()
        .values_list("victim_sex")
        .annotate(n=Count("person", distinct=True))
        .values_list("victim_sex", "n")
    )
    pubs_qs = Publication.objects.filter(
        organisation_id__in=org_ids, published_on__gte=start, published_on__lt=end
    )
    report["publications"]["by_language"] = _clean(by(pubs_qs, "language"))
    report["publications"]["total"] = sum(report["publications"]["by_language"].values())
    trainings_qs = Training.objects.filter(
        organisation_id__in=org_ids, held_on__gte=start, held_on__lt=end
    )
    trainings = report["trainings"]
    trainings["total"] = trainings_qs.count()
    trainings["participants"] = sum(trainings_qs.values_list("participants", flat=True))
    trainings["by_audience"] = _clean(
        Counter(code for t in trainings_qs for code in t.audiences).items()
    )
    return report

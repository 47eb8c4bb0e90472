"""Referrals recorded on the case page before legal aid and rehabilitation were counted
from the work (cases/services/appeal_facts.py): their appeals now count them. Only adds,
like the rule itself; the count table's triggers follow the UPDATE."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import migrations

BATCH = 2000


def count_the_work(apps: Any, schema_editor: Any) -> None:
    # The rule's pure part (no model in it) is shared; the queries use this
    # migration's models.
    from himoya.cases.services.appeal_facts import FIELDS, Facts, Work, merged_facts

    Appeal = apps.get_model("cases", "Appeal")
    CaseParty = apps.get_model("cases", "CaseParty")
    Referral = apps.get_model("cases", "Referral")
    case_ids = sorted(set(Referral.objects.values_list("case_id", flat=True)))
    for start in range(0, len(case_ids), BATCH):
        ids = case_ids[start : start + BATCH]
        work: dict[tuple[int, int], Any] = defaultdict(Work)
        for case_id, person_id, kind, started_on in Referral.objects.filter(
            case_id__in=ids
        ).values_list("case_id", "person_id", "kind", "started_on"):
            work[(case_id, person_id)].add(kind, started_on)
        victims: dict[int, set[int]] = defaultdict(set)
        for case_id, person_id in CaseParty.objects.filter(
            case_id__in=ids, role="victim"
        ).values_list("case_id", "person_id"):
            victims[case_id].add(person_id)
        changed = []
        for appeal in Appeal.objects.filter(case_id__in=ids).order_by("id"):
            people = {appeal.victim_id} if appeal.victim_id else victims[appeal.case_id]
            recorded = Facts(
                appeal.legal_aid, appeal.rehabilitation, appeal.rehabilitation_started_on
            )
            facts = merged_facts(
                recorded,
                (work[(appeal.case_id, p)] for p in people if (appeal.case_id, p) in work),
            )
            if facts != recorded:
                appeal.legal_aid = facts.legal_aid
                appeal.rehabilitation = facts.rehabilitation
                appeal.rehabilitation_started_on = facts.rehabilitation_started_on
                changed.append(appeal)
        Appeal.objects.bulk_update(changed, FIELDS, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_row_bound_encryption")]

    operations = [migrations.RunPython(count_the_work, migrations.RunPython.noop)]

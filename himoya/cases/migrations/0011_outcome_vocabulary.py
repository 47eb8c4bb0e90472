"""A case's outcome becomes a term of the "outcome" vocabulary (per country) instead of
a code fixed in the source. Kazakhstan has no "opening of a criminal case": its cases
closed as "criminal case opened" or "refused" take the outcomes of its procedure."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
import django.db.models.deletion

# (country, code before) -> code now; any other code keeps its name.
RENAMED = {
    ("KZ", "criminal_case_opened"): "investigation_started",
    ("KZ", "refused"): "registration_refused",
}


def to_terms(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    Term = apps.get_model("reference", "Term")
    terms = {t.code: t.pk for t in Term.objects.filter(vocabulary="outcome")}
    pairs = Case.objects.exclude(outcome="").values_list("country", "outcome").distinct()
    for country, old in pairs:
        code = RENAMED.get((country, old), old)
        if code not in terms:
            # A value no shipped term has (none is known): kept as an unverified term
            # rather than lost, for a steward to label.
            term = Term.objects.create(
                vocabulary="outcome", code=code, label_ru=code, source="migration 0008"
            )
            terms[code] = term.pk
        Case.objects.filter(country=country, outcome=old).update(outcome_term=terms[code])


def to_codes(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    back = {(country, new): old for (country, old), new in RENAMED.items()}
    for case in Case.objects.filter(outcome_term__isnull=False).select_related("outcome_term"):
        code = case.outcome_term.code
        case.outcome = back.get((case.country, code), code)
        case.save(update_fields=["outcome"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_alert_urgent_appeal"),
        ("reference", "0003_term_countries"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="outcome_term",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"vocabulary": "outcome"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.term",
                verbose_name="outcome",
            ),
        ),
        migrations.RunPython(to_terms, to_codes),
        migrations.RemoveField(model_name="case", name="outcome"),
        migrations.RenameField(model_name="case", old_name="outcome_term", new_name="outcome"),
    ]

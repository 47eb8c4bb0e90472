"""Corrects the shipped Kazakh and Tajik labels of "Denial of medical care", which read as
the patient refusing care (domain.md, terms section).

Only rows still carrying the old shipped wording change: a steward's own edit stays.
"""

from django.db import migrations

# (vocabulary, code, field, old shipped label, corrected label)
FIXES = [
    (
        "violation",
        "medical_care",
        "label_kk",
        "Медициналық көмектен бас тарту",
        "Медициналық көмек көрсетуден бас тарту",
    ),
    (
        "violation",
        "medical_care",
        "label_tg",
        "Рад кардани кӯмаки тиббӣ",
        "Рад кардани расонидани кӯмаки тиббӣ",
    ),
]


def forwards(apps, schema_editor):
    term = apps.get_model("reference", "Term")
    for vocabulary, code, field, old, new in FIXES:
        term.objects.filter(vocabulary=vocabulary, code=code, **{field: old}).update(**{field: new})


def backwards(apps, schema_editor):
    term = apps.get_model("reference", "Term")
    for vocabulary, code, field, old, new in FIXES:
        term.objects.filter(vocabulary=vocabulary, code=code, **{field: new}).update(**{field: old})


class Migration(migrations.Migration):
    dependencies = [("reference", "0004_facility_population_retire"), ("cases", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]

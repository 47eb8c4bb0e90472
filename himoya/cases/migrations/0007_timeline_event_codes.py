"""Timeline entries take the codes of the audit chain (himoya.core.events), so one fact
has one name. Where the two also named the same datum differently the timeline takes
the audit chain's key, so one sentence reads both."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# old timeline kind -> audit code
KINDS = {
    "case.opened": "case.open",
    "case.imported": "case.import",
    "appeal.registered": "appeal.register",
    "case.updated": "case.update",
    "case.assigned": "case.assign",
    "case.shared": "case.share",
    "case.unshared": "case.unshare",
    "violation.added": "violation.add",
    "note.added": "note.add",
    "task.added": "task.add",
    "hearing.added": "hearing.add",
    "referral.added": "referral.add",
    "referral.closed": "referral.close",
    "custody.transfer": "custody.record",
    "custody.recorded": "custody.record",
}
# (old kind, old data key) -> audit data key
KEYS = {
    ("case.status", "old"): "from",
    ("case.status", "new"): "to",
    ("case.shared", "organisation"): "with",
    ("case.unshared", "organisation"): "with",
}
# what the old kind said that the audit code keeps in data
FLAGS = {"custody.transfer": {"transfer": True}, "custody.recorded": {"transfer": False}}

BATCH = 2000


def _rewrite_data(event_model: Any, kind: str, change: Any) -> None:
    batch = []
    for event in event_model.objects.filter(kind=kind).only("pk", "data").iterator(BATCH):
        event.data = change(dict(event.data or {}))
        batch.append(event)
        if len(batch) >= BATCH:
            event_model.objects.bulk_update(batch, ["data"])
            batch = []
    event_model.objects.bulk_update(batch, ["data"])


def forwards(apps: Any, schema_editor: Any) -> None:
    event_model = apps.get_model("cases", "CaseEvent")
    for kind in sorted({k for k, _key in KEYS} | set(FLAGS)):
        renames = {old: new for (k, old), new in KEYS.items() if k == kind}
        flags = FLAGS.get(kind, {})

        def change(data: dict[str, Any], renames: Any = renames, flags: Any = flags) -> Any:
            return {renames.get(k, k): v for k, v in data.items()} | flags

        _rewrite_data(event_model, kind, change)
    for old, new in KINDS.items():
        event_model.objects.filter(kind=old).update(kind=new)


def backwards(apps: Any, schema_editor: Any) -> None:
    event_model = apps.get_model("cases", "CaseEvent")

    def custody(data: dict[str, Any]) -> Any:
        return {k: v for k, v in data.items() if k != "transfer"}

    transfer = event_model.objects.filter(kind="custody.record", data__transfer=True)
    transfer.update(kind="custody.transfer")
    event_model.objects.filter(kind="custody.record").update(kind="custody.recorded")
    for kind in ("custody.transfer", "custody.recorded"):
        _rewrite_data(event_model, kind, custody)
    for old, new in KINDS.items():
        if not old.startswith("custody."):
            event_model.objects.filter(kind=new).update(kind=old)
    for kind in sorted({k for k, _key in KEYS}):
        renames = {new: old for (k, old), new in KEYS.items() if k == kind}

        def change(data: dict[str, Any], renames: Any = renames) -> Any:
            return {renames.get(k, k): v for k, v in data.items()}

        _rewrite_data(event_model, kind, change)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_move_to_new_apps")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

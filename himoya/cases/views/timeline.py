"""The case's timeline in sentences: each entry's codes and ids turned into words in
the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from himoya.cases import selectors
from himoya.cases.models import Case
from himoya.core import events


class Timeline:
    """Turns the case's events (codes and ids) into sentences in the user's language."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.events = list(selectors.case_timeline(case))
        # What the case page shows anyway: its tasks' titles and whom it referred where.
        self.names = events.Names.load(
            ((e.kind, e.data) for e in self.events),
            extra={
                "task": {t.pk: t.title for t in case.tasks.all()},
                "person": {
                    p.person_id: p.person.full_name for p in case.parties.select_related("person")
                },
                "referral": {
                    r.pk: (r.person.full_name, str(r.partner) if r.partner else "")
                    for r in case.referrals.select_related("person", "partner")
                },
            },
        )

    def entries(self) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at,
                "actor": str(e.actor) if e.actor else _("System"),
                "text": events.sentence(e.kind, e.data, self.names),
                "kind": e.kind,
            }
            for e in self.events
        ]

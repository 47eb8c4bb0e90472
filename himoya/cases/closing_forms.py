"""The closing page's form: the outcome, and one choice per open task and coming hearing
(or one for all of them). Whether every item is decided is the service's rule
(``services.case_close``); its errors land on the items' fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import User
from himoya.cases.forms import StatusForm
from himoya.cases.selectors import OpenWork
from himoya.cases.services import HearingDecision, TaskDecision

HAND_OVER_PREFIX = "to:"


class ClosingForm(StatusForm):
    """``StatusForm`` (version, status, outcome) and the decisions."""

    def __init__(
        self, *args: Any, country: str, work: OpenWork, workers: list[User], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "close-%s")
        super().__init__(*args, country=country, **kwargs)
        self.work = work
        self.workers = {str(user.pk): user for user in workers}
        hand_over = [
            (f"{HAND_OVER_PREFIX}{pk}", _("Hand over to %(name)s") % {"name": user})
            for pk, user in self.workers.items()
        ]
        task_choices = [
            ("", "—"),
            (TaskDecision.DONE, _("Mark it done")),
            (TaskDecision.KEEP, _("Keep it open with its assignee")),
            *hand_over,
        ]
        hearing_choices = [
            ("", "—"),
            (HearingDecision.CANCEL, _("Cancel the hearing")),
            (HearingDecision.KEEP, _("Keep the hearing")),
        ]
        # The items this page lists: a choice "for every task" applies to those only,
        # so work added after the page was made is asked about, never decided unseen.
        self.fields["shown"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial["shown"] = " ".join(
            [f"task_{t.pk}" for t in work.tasks] + [f"hearing_{h.pk}" for h in work.hearings]
        )
        if work.tasks:
            self.fields["all_tasks"] = forms.ChoiceField(
                label=_("For every task"), choices=task_choices, required=False
            )
        for task in work.tasks:
            self.fields[f"task_{task.pk}"] = forms.ChoiceField(
                label=task.title, choices=task_choices, required=False
            )
        if work.hearings:
            self.fields["all_hearings"] = forms.ChoiceField(
                label=_("For every hearing"), choices=hearing_choices, required=False
            )
        for hearing in work.hearings:
            self.fields[f"hearing_{hearing.pk}"] = forms.ChoiceField(
                label=hearing.court, choices=hearing_choices, required=False
            )

    def task_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(task, self[f"task_{task.pk}"]) for task in self.work.tasks]

    def hearing_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(hearing, self[f"hearing_{hearing.pk}"]) for hearing in self.work.hearings]

    def decisions(self) -> tuple[dict[int, TaskDecision], dict[int, str]]:
        """The decisions by id: an item's own choice, else the one for all of its kind;
        undecided items are left out (the service names them)."""
        data = self.cleaned_data
        shown = set((data.get("shown") or "").split())

        def for_all(name: str, kind: str) -> str:
            return (data.get(f"all_{kind}s") or "") if name in shown else ""

        tasks: dict[int, TaskDecision] = {}
        for task in self.work.tasks:
            name = f"task_{task.pk}"
            choice = data.get(name) or for_all(name, "task")
            if choice.startswith(HAND_OVER_PREFIX):
                user = self.workers.get(choice.removeprefix(HAND_OVER_PREFIX))
                tasks[task.pk] = TaskDecision(TaskDecision.HAND_OVER, user)
            elif choice:
                tasks[task.pk] = TaskDecision(choice)
        hearings: dict[int, str] = {}
        for hearing in self.work.hearings:
            name = f"hearing_{hearing.pk}"
            choice = data.get(name) or for_all(name, "hearing")
            if choice:
                hearings[hearing.pk] = choice
        return tasks, hearings

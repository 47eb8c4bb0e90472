"""Help requests from the public site: registered as appeals (channel "web") through
the same ``appeal_register`` the staff use, so the consent rule, the case number, the
audit event and the urgent path (the duty lawyer's alert) are the same as everywhere.

What the person typed goes only into the encrypted appeal (and person, when they gave a
name): it is not logged, cached or put in the content store, and the audit event of the
registration is recorded without the visitor's address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation
from himoya.cases.models import Urgency
from himoya.cases.services import AppealInput, PersonInput, appeal_register
from himoya.core import context
from himoya.core.idempotency import AlreadySubmitted, claim
from himoya.core.policies import ChannelActor
from himoya.public_site.forms import HelpKind

WEB_FORM = ChannelActor("web:public", allowed=frozenset({"appeal.register"}))


@dataclass
class HelpRequest:
    kind: str
    contact: str
    message: str
    consent_processing: bool
    name: str = ""
    language: str = ""


def receiving_organisation() -> Organisation:
    slug = settings.HIMOYA_PUBLIC_ORGANISATION
    organisation = Organisation.objects.filter(slug=slug).first() if slug else None
    if organisation is None:
        raise ImproperlyConfigured(
            "HIMOYA_PUBLIC_ORGANISATION names no organisation: the help form has no receiver"
        )
    return organisation


def _appeal_input(request: HelpRequest, today: dt.date) -> AppealInput:
    contact = request.contact.strip()
    applicant = None
    if request.name.strip():
        applicant = PersonInput(
            full_name=request.name.strip(),
            email=contact if "@" in contact and " " not in contact else "",
            notes=contact,
        )
    # Staff read these lines in the register's language, whatever the visitor's.
    with translation.override(settings.LANGUAGE_CODE):
        kind = dict(HelpKind.CHOICES)[request.kind]
        header = _("Request from the website: %(kind)s.") % {"kind": kind}
        contact_line = _("Contact: %(contact)s") % {"contact": contact}
        language_line = _("Language of the site: %(language)s") % {
            "language": request.language or "-"
        }
        summary = _("Request from the website: %(kind)s") % {"kind": kind}
    return AppealInput(
        received_on=today,
        channel="web",
        consent_processing=request.consent_processing,
        content="\n".join([header, contact_line, language_line, "", request.message.strip()]),
        urgency=Urgency.EMERGENCY if request.kind == HelpKind.TORTURE_NOW else Urgency.NORMAL,
        applicant=applicant,
        summary=summary[:200],
    )


def help_request_submit(
    *, request: HelpRequest, token: str, url_of: Callable[[str], str]
) -> tuple[str, str]:
    """Registers the request once per form token. Returns (reference, url): the new
    case's number and the page that shows it, or, for a form already sent, the first
    submission's page (reference ""). Raises the service's ``ValidationError``."""
    organisation = receiving_organisation()
    # The visitor's address stays out of the audit chain: the event names the channel.
    facts = context.bind(context.RequestFacts(request_id=context.current().request_id))
    try:
        with transaction.atomic():
            spent = claim(None, token)
            appeal = appeal_register(
                actor=WEB_FORM,
                organisation=organisation,
                data=_appeal_input(request, timezone.localdate()),
            )
            reference = appeal.case.number
            url = url_of(reference)
            spent.leads_to(url)
    except AlreadySubmitted as exc:
        return "", exc.url
    finally:
        context.reset(facts)
    return reference, url

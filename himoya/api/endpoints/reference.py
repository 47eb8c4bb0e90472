"""Reference data every staff member may read (vocabularies, regions, places of
detention), the facility registry's one write, and who the caller is."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from himoya.api import schemas as s
from himoya.api.auth import Caller
from himoya.api.common import caller, created, current_user, page
from himoya.core.access import access_object
from himoya.core.policies import require
from himoya.reference import selectors as reference_selectors
from himoya.reference import services as reference_services
from himoya.reference import vocab
from himoya.reference.models import Facility, Region

router = Router()


@router.get("/me", response={200: s.MeOut, **s.ERRORS}, tags=["me"], operation_id="me")
def me(request: HttpRequest) -> Caller:
    """The staff member the request is authenticated as, and how."""
    return caller(request)


@router.get(
    "/vocabularies/",
    response={200: list[s.VocabularyOut], **s.ERRORS},
    tags=["reference"],
    operation_id="vocabularies_list",
)
def vocabularies_list(request: HttpRequest, include_retired: bool = False) -> list[s.Vocabulary]:
    """Every controlled vocabulary with its terms (codes are what requests use)."""
    return [
        s.Vocabulary(name, list(reference_selectors.terms(name, active_only=not include_retired)))
        for name in vocab.VOCABULARIES
    ]


@router.get(
    "/vocabularies/{name}",
    response={200: s.VocabularyOut, **s.ERRORS},
    tags=["reference"],
    operation_id="vocabulary_get",
)
def vocabulary_get(request: HttpRequest, name: str, include_retired: bool = False) -> s.Vocabulary:
    if name not in vocab.VOCABULARIES:
        raise Http404
    return s.Vocabulary(
        name, list(reference_selectors.terms(name, active_only=not include_retired))
    )


@router.get(
    "/regions/",
    response={200: list[s.RegionOut], **s.ERRORS},
    tags=["reference"],
    operation_id="regions_list",
)
def regions_list(
    request: HttpRequest,
    country: str = Query("", pattern=r"^([A-Za-z]{2})?$"),
    include_retired: bool = False,
) -> QuerySet[Region]:
    """The regions a new record may name; ``include_retired`` adds those no longer in use
    (older records still point at them)."""
    if include_retired:
        qs = Region.objects.all()
        return qs.filter(country=country.upper()) if country else qs
    return reference_selectors.offered_regions(country)


class FacilityFilterIn(s.CleanInput):
    country: str = ""
    region: s.Id | None = None
    type: str = ""
    agency: str = ""
    q: str = ""
    include_retired: bool = False
    limit: int = Field(100, ge=1, le=500)
    offset: s.Offset = 0


@router.get(
    "/facilities/",
    response={200: s.FacilityPage, **s.ERRORS},
    tags=["facilities"],
    operation_id="facilities_list",
)
def facilities_list(request: HttpRequest, filters: Query[FacilityFilterIn]) -> s.Page:
    """The registry of places of detention (shared by every organisation): those a new
    record may name, and with ``include_retired`` those no longer in use too."""
    qs = reference_selectors.facilities(filters.country.upper())
    if not filters.include_retired:
        qs = reference_selectors.offerable(qs)
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    if filters.type:
        qs = qs.filter(type__code=filters.type)
    if filters.agency:
        qs = qs.filter(agency__code=filters.agency)
    if filters.q.strip():
        qs = qs.filter(name__icontains=filters.q.strip())
    return page(qs.order_by("country", "name", "id"), limit=filters.limit, offset=filters.offset)


@router.get(
    "/facilities/{int:facility_id}",
    response={200: s.FacilityOut, **s.ERRORS},
    tags=["facilities"],
    operation_id="facility_get",
)
def facility_get(request: HttpRequest, facility_id: int) -> Facility:
    user = current_user(request)
    return access_object(reference_selectors.facilities(), facility_id, user=user)


@router.post(
    "/facilities/",
    response={201: s.FacilityOut, **s.ERRORS},
    tags=["facilities"],
    operation_id="facility_create",
)
def facility_create(request: HttpRequest, payload: s.FacilityIn) -> Any:
    """Adds a place of detention to the registry (coordinators, lawyers and monitors
    propose it, unverified until a reference data steward checks it)."""
    user = current_user(request)
    require(user, "facility.propose")
    region = None
    if payload.region is not None:
        region = Region.objects.filter(pk=payload.region).first()
        if region is None:
            raise ValidationError({"region": [_("Unknown region.")]})
    facility = reference_services.facility_create(
        actor=user,
        name=payload.name,
        country=payload.country,
        region=region,
        type_code=payload.type,
        agency_code=payload.agency,
        address=payload.address,
        source=payload.source,
    )
    return created(facility)

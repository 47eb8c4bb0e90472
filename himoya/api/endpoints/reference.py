"""Reference data every staff member may read (vocabularies, regions, places of
detention), the facility registry's one write, and who the caller is."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from himoya.api import schemas as s
from himoya.api import serialize
from himoya.api.common import caller, created, current_user, page
from himoya.core.access import access_object
from himoya.core.policies import require
from himoya.reference import selectors as reference_selectors
from himoya.reference import services as reference_services
from himoya.reference import vocab
from himoya.reference.models import Region

router = Router()


@router.get("/me", response={200: s.MeOut, **s.ERRORS}, tags=["me"], operation_id="me")
def me(request: HttpRequest) -> dict[str, Any]:
    """The staff member the request is authenticated as, and how."""
    who = caller(request)
    user = who.user
    org = user.organisation
    return {
        "id": user.pk,
        "name": str(user),
        "email": user.email,
        "role": user.role,
        "language": user.language,
        "organisation": {"id": org.pk, "slug": org.slug, "name": org.name} if org else None,
        "authenticated_by": who.method,
        "token": (
            {"prefix": who.token.prefix, "name": who.token.name, "expires_at": who.token.expires_at}
            if who.token
            else None
        ),
    }


@router.get(
    "/vocabularies/",
    response={200: list[s.VocabularyOut], **s.ERRORS},
    tags=["reference"],
    operation_id="vocabularies_list",
)
def vocabularies_list(request: HttpRequest, include_retired: bool = False) -> list[dict[str, Any]]:
    """Every controlled vocabulary with its terms (codes are what requests use)."""
    return [
        {
            "name": name,
            "terms": [
                serialize.term_full(t)
                for t in reference_selectors.terms(name, active_only=not include_retired)
            ],
        }
        for name in vocab.VOCABULARIES
    ]


@router.get(
    "/vocabularies/{name}",
    response={200: s.VocabularyOut, **s.ERRORS},
    tags=["reference"],
    operation_id="vocabulary_get",
)
def vocabulary_get(
    request: HttpRequest, name: str, include_retired: bool = False
) -> dict[str, Any]:
    if name not in vocab.VOCABULARIES:
        raise Http404
    terms = reference_selectors.terms(name, active_only=not include_retired)
    return {"name": name, "terms": [serialize.term_full(t) for t in terms]}


@router.get(
    "/regions/",
    response={200: list[s.RegionOut], **s.ERRORS},
    tags=["reference"],
    operation_id="regions_list",
)
def regions_list(
    request: HttpRequest, country: str = Query("", pattern=r"^([A-Za-z]{2})?$")
) -> list[dict[str, Any]]:
    qs = Region.objects.all()
    if country:
        qs = qs.filter(country=country.upper())
    return [serialize.region(r) for r in qs]


class FacilityFilterIn(s.CleanInput):
    country: str = ""
    region: s.Id | None = None
    type: str = ""
    agency: str = ""
    q: str = ""
    limit: int = Field(100, ge=1, le=500)
    offset: s.Offset = 0


@router.get(
    "/facilities/",
    response={200: s.FacilityPage, **s.ERRORS},
    tags=["facilities"],
    operation_id="facilities_list",
)
def facilities_list(request: HttpRequest, filters: Query[FacilityFilterIn]) -> dict[str, Any]:
    """The registry of places of detention (shared by every organisation)."""
    qs = reference_selectors.facilities(filters.country.upper())
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    if filters.type:
        qs = qs.filter(type__code=filters.type)
    if filters.agency:
        qs = qs.filter(agency__code=filters.agency)
    if filters.q.strip():
        qs = qs.filter(name__icontains=filters.q.strip())
    total, rows = page(
        qs.order_by("country", "name", "id"), limit=filters.limit, offset=filters.offset
    )
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [serialize.facility(f) for f in rows],
    }


@router.get(
    "/facilities/{int:facility_id}",
    response={200: s.FacilityOut, **s.ERRORS},
    tags=["facilities"],
    operation_id="facility_get",
)
def facility_get(request: HttpRequest, facility_id: int) -> dict[str, Any]:
    user = current_user(request)
    return serialize.facility(
        access_object(reference_selectors.facilities(), facility_id, user=user)
    )


@router.post(
    "/facilities/",
    response={201: s.FacilityOut, **s.ERRORS},
    tags=["facilities"],
    operation_id="facility_create",
)
def facility_create(request: HttpRequest, payload: s.FacilityIn) -> Any:
    """Adds a place of detention to the registry (coordinators, administrators, lawyers
    and monitors)."""
    user = current_user(request)
    require(user, "facility.manage")
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
    return created(serialize.facility(facility))

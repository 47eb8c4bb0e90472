"""Fuzzing the API from its own OpenAPI document (schemathesis): every operation, with
valid and invalid input, as a coordinator of a populated organisation (the API world) and
as another organisation's coordinator, whose requests carry organisation A's real ids.
Nothing may answer 5xx, and every answer must match the schema the API publishes.

The budget is ``HIMOYA_FUZZ_EXAMPLES`` examples per operation (small in ``make test``,
derandomized so a failure reproduces); ``make fuzz`` runs the same test with a larger,
random budget (README, "The two commands").
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from himoya.cases.models import Appeal
from tests.api.world import API, World, api_client, appeal_body, openapi, send, token_for

EXAMPLES = int(os.environ.get("HIMOYA_FUZZ_EXAMPLES", "10"))
# A random run explores more over time; the default run is the same on every machine,
# so a failure in `make test` reproduces.
RANDOM = os.environ.get("HIMOYA_FUZZ_RANDOM", "") not in ("", "0")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    ignored_auth,
]


def _published_schema() -> Any:
    """The document /api/v1/openapi.json publishes, built in process: that URL needs a
    token or a session, and at collection there is no database to issue a token from.
    The examples are then sent to the real WSGI application."""
    from himoya.api.api import api

    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix=f"{API}/")))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = WSGIHandler()
    loaded.location = f"{API}/openapi.json"
    return loaded


schema = _published_schema()

# What the running example may use from the world: real ids and codes, filled in by the
# ``fuzz_world`` fixture before the first example is drawn (strategies read it when they
# draw, not when they are built at collection).
KNOWN: dict[str, Any] = {}
CALLERS: dict[str, str] = {}


def _with_known(values: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """``values`` with every field that names a record of the world set to that record."""
    return {key: KNOWN[names[key]] if key in names else value for key, value in values.items()}


PATH_IDS = {
    "case_id": "case",
    "task_id": "task",
    "appeal_id": "appeal",
    "person_id": "person",
    "facility_id": "facility",
    "name": "vocabulary",
}
BODY_FIELDS = {
    "case": "case",
    "version": "version",
    "region": "region",
    "facility": "facility",
    "lawyer": "lawyer",
    "assignee": "lawyer",
    "team": "team",
    "victim_id": "person",
    "applicant_id": "person",
    "channel": "channel",
    "agency": "agency",
    "violation": "violation",
    "violations": "violations",
    "country": "country",
    "type": "facility_type",
}


@schema.hook
def flatmap_case(context: Any, case: Any) -> Any:
    """The fuzzing phase's examples go as either organisation's coordinator. Generated
    ids are almost never those of a record, and generated codes and versions almost
    never valid, so two valid examples in three use the world's instead (its ids, or its
    ids and codes): the handlers behind the 404 and the 422 are fuzzed too, and
    organisation B asks for A's real records. Invalid parts stay as generated. (The
    coverage phase's examples are fixed when the test is collected, before the world
    exists; they go as A's coordinator with the values they were generated with.)"""
    positive = case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE

    def prepare(caller: str, use: str) -> Any:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {CALLERS[caller]}"}
        if positive and use != "generated" and case.path_parameters:
            case.path_parameters = _with_known(case.path_parameters, PATH_IDS)
        if positive and use == "all" and isinstance(case.body, dict):
            case.body = _with_known(case.body, BODY_FIELDS)
        return case

    return st.builds(
        prepare, st.sampled_from(("own", "other")), st.sampled_from(("generated", "ids", "all"))
    )


@pytest.fixture
def fuzz_world(world: World, settings: Any) -> Iterator[World]:
    """The API world with both coordinators' tokens, a rate limit the fuzz cannot reach,
    and Django's per-request connection handling off: the WSGI handler would close the
    test's connection (it is inside the test's transaction) at the end of each request,
    which Django's own test client also prevents."""
    settings.HIMOYA_API_RATE_PER_MINUTE = 1_000_000
    w = world
    appeal = w.case.appeals.order_by("pk").first()
    assert appeal is not None
    KNOWN.update(
        case=w.case.pk,
        version=w.case.version,
        task=w.task.pk,
        appeal=appeal.pk,
        person=w.victim.pk,
        facility=w.facility.pk,
        region=w.region.pk,
        lawyer=w.a_lawyer.pk,
        team=w.team_a.pk,
        vocabulary="violation",
        channel="phone",
        agency="police",
        violation="torture",
        violations=["torture", "threats"],
        country="KZ",
        facility_type="ivs",
    )
    CALLERS.update(own=token_for(w.a_coordinator), other=token_for(w.b_coordinator))
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield w
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        KNOWN.clear()
        CALLERS.clear()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_fuzz(case: Any, fuzz_world: World) -> None:
    # Each example runs in its own savepoint, rolled back: examples do not see each
    # other's writes, and one that breaks the transaction cannot fail the next. The
    # checks' own probes (without credentials, other methods) run inside it too.
    # The fuzzing phase chose the caller (``flatmap_case``); the coverage phase's own
    # made-up credentials are replaced by organisation A's coordinator's.
    chosen = (case.headers or {}).get("Authorization")
    tokens = {f"Bearer {token}" for token in CALLERS.values()}
    headers = {"Authorization": chosen if chosen in tokens else f"Bearer {CALLERS['own']}"}
    with transaction.atomic():
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        transaction.set_rollback(True)


# ------------------------------------------------------- what the fuzz found


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("offset", False, "Enter a whole number."),
        ("limit", True, "Enter a whole number."),
        ("region", True, "Enter a whole number."),
        ("region", 2**63, "The number is out of range."),
        ("offset", -1, "The number is out of range."),
        ("overdue", 1, "Enter true or false."),
        ("overdue", 0.0, "Enter true or false."),
    ],
)
def test_a_body_takes_json_types_as_they_are(
    world: World, field: str, value: Any, message: str
) -> None:
    """Pydantic alone reads true as 1 and 1 as true; in a JSON body a boolean is no
    number and a number no boolean (the fuzz sent ``"offset": false`` and got a page)."""
    client = api_client(world.a_lawyer, **{"Accept-Language": "en"})
    response = send(client, "POST", f"{API}/cases/search", {field: value})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field] == [message]


def test_an_appeal_cannot_join_case_true(world: World) -> None:
    """``"case": true`` was read as case 1, ``"consent_processing": 1`` as consent."""
    client = api_client(world.a_lawyer)
    before = Appeal.objects.count()
    joined = send(client, "POST", f"{API}/appeals/", appeal_body(case=True))
    assert joined.status_code == 422 and "case" in joined.json()["errors"]
    consent = send(client, "POST", f"{API}/appeals/", appeal_body(consent_processing=1))
    assert consent.status_code == 422 and "consent_processing" in consent.json()["errors"]
    assert Appeal.objects.count() == before
    assert send(client, "POST", f"{API}/appeals/", appeal_body()).status_code == 201


def test_a_query_string_still_reads_numbers_and_booleans_from_text(world: World) -> None:
    client = api_client(world.a_lawyer)
    for query in ({"overdue": "true", "offset": "0"}, {"overdue": "1", "limit": "5"}):
        response = client.get(f"{API}/cases/", query)
        assert response.status_code == 200, (query, response.content)
    assert client.get(f"{API}/vocabularies/", {"include_retired": "yes"}).status_code == 200


def test_the_published_bounds_are_json_schema(world: World) -> None:
    """The fuzz draws from the document: bounds written as pydantic's "ge" and "le"
    would be ignored by every client and by the fuzz itself."""
    document = openapi(api_client(world.a_coordinator))
    text = json.dumps(document)
    assert '"ge":' not in text and '"le":' not in text
    case_id = document["components"]["schemas"]["AppealIn"]["properties"]["case"]["anyOf"][0]
    assert case_id == {"maximum": 2**63 - 1, "minimum": 1, "type": "integer"}

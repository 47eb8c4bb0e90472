"""/api/v1/ lists the entry points; the schema and the docs need a token or a session."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.world import API, World, api_client
from tests.conftest import make_client

GUARDED = [f"{API}/", f"{API}/openapi.json", f"{API}/docs"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", GUARDED)
def test_anonymous_caller_gets_401_json(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "paths" not in response.json()


@pytest.mark.parametrize("path", GUARDED)
def test_a_made_up_token_opens_nothing(world: World, path: str) -> None:
    response = api_client(token="hmy_made_up_token_value").get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_reads_the_schema_and_the_entry_points(world: World) -> None:
    client = api_client(world.a_lawyer)
    schema = client.get(f"{API}/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    root = client.get(f"{API}/")
    assert root.status_code == 200
    body = root.json()
    assert body["openapi"] == f"{API}/openapi.json" and body["docs"] == f"{API}/docs"
    listed = {(e["method"], e["path"]) for e in body["entry_points"]}
    expected = {
        (method.upper(), path)
        for path, operations in schema.json()["paths"].items()
        for method in operations
    }
    assert listed == expected and ("GET", f"{API}/cases/") in listed


def test_signed_in_session_opens_the_docs_and_the_root(world: World) -> None:
    client = make_client(world.a_lawyer)
    assert client.get(f"{API}/docs").status_code == 200
    assert client.get(f"{API}/openapi.json").status_code == 200
    assert client.get(f"{API}/").json()["name"] == "Himoya API"

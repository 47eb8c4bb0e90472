"""The REST API, version 1: /api/v1/ (schema at /api/v1/openapi.json).

Interfaces stay thin: each endpoint parses its input, reaches records through the
selectors and access helpers and changes them through the services, exactly as the
staff app does, so both enforce the same rules and leave the same audit trail.
"""

from __future__ import annotations

from ninja import NinjaAPI

from himoya.api import errors
from himoya.api.auth import SessionAuth, TokenAuth
from himoya.api.docs import LocalSwagger
from himoya.api.endpoints import appeals, cases, evidence, letters, persons, reference
from himoya.api.entry import require_caller

DESCRIPTION = """\
The case register of Himoya for scripts and other clients.

**Authentication.** Send `Authorization: Bearer <token>` with a personal API token issued
at `/staff/api-tokens/` (after two-factor authentication). Pages of the staff app may also
call the API with their session; unsafe methods then need the `X-CSRFToken` header.

**Access.** The API grants exactly what the staff app grants the same person: a case or
person the caller may not see answers 404, as one that does not exist; an action the
caller's role does not allow on a record they see answers 403. Every read of a case or
person and every change is written to the audit log.

**Errors** are JSON: `{"detail": "...", "code": "..."}`; invalid input answers 422 with
`errors` mapping each field to its messages, in the language of `Accept-Language` or else
the caller's interface language. An edit made against an outdated `version` answers 409.
Each token may make a limited number of requests per minute (429 with `Retry-After`).
"""

api = NinjaAPI(
    title="Himoya API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    # Swagger UI from this host only (ninja's default page would load it from a CDN).
    docs=LocalSwagger(),
    docs_url="/docs",
    # The schema and the docs page: for callers the API accepts (himoya.api.entry).
    docs_decorator=require_caller,
    auth=[TokenAuth(), SessionAuth()],
)
errors.install(api)
api.add_router("", reference.router)
api.add_router("", cases.router)
api.add_router("", appeals.router)
api.add_router("", persons.router)
api.add_router("", evidence.router)
api.add_router("", letters.router)

"""Search tokens under each organisation's own key (finding 8 of the security review).

One instance-wide search key gave a word the same token in every organisation's
documents, so a database reader could link a surname across organisations. Each
document is now tokenised under its organisation's sub-key of the index key, and a search
computes its tokens once per organisation whose cases the user may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Case
from himoya.cases.selectors import CaseFilters, case_list, case_list_page
from himoya.core import crypto
from himoya.search.selectors import search_owner_ids
from himoya.search.sql import DOCS
from himoya.search.tokens import Tokeniser, search_key
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = pytest.mark.django_db

NAME = "Выдуманов Ерлан"


def stored_tokens(case: Case) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tokens FROM {DOCS} WHERE owner_type = 'cases.case' AND owner_id = %s",  # noqa: S608
            [case.pk],
        )
        (tokens,) = cursor.fetchone()
    return set(tokens)


def coordinator_of(organisation: Any) -> Any:
    return UserFactory(organisation=organisation, role=Role.COORDINATOR, totp=False)


def victim(name: str) -> dict[str, Any]:
    return {"victim": services.PersonInput(full_name=name)}


def page_ids(user: Any, query: str) -> list[int]:
    return [case.pk for case in case_list_page(user, CaseFilters(q=query), number=1)]


def list_ids(user: Any, query: str) -> list[int]:
    return sorted(case_list(user, CaseFilters(q=query)).values_list("pk", flat=True))


def test_one_word_in_two_organisations_has_unrelated_tokens(org, other_org):
    ours = open_case(coordinator_of(org), org, **victim(NAME))
    theirs = open_case(coordinator_of(other_org), other_org, **victim(NAME))
    assert stored_tokens(ours) and stored_tokens(theirs)
    # Not a single token in common: not the name, not the shared summary words, not the
    # blocks of owner ids both cases are in.
    assert not stored_tokens(ours) & stored_tokens(theirs)
    # Each is exactly what its organisation's key makes of it.
    for case in (ours, theirs):
        stored = Case.objects.get(pk=case.pk)
        made = Tokeniser(search_key(case.organisation_id)).document_tokens(
            services.case_search_texts(stored), owner_id=case.pk
        )
        assert stored_tokens(case) == set(made)


def test_the_search_key_is_the_organisations_sub_key_for_search():
    """One derivation of per-organisation keys (crypto.organisation_key): the blind
    indexes' key is its purpose-less form, the search key its "search-token" purpose."""
    assert search_key(7) == crypto.organisation_key(7, "search-token")
    assert search_key(7) != search_key(8) != search_key(None)
    assert search_key(7) != crypto.organisation_index_key(7)
    assert crypto.organisation_index_key(7) == crypto.organisation_key(7)


def test_a_case_shared_with_another_organisation_is_found_there_by_name(org, other_org):
    owner = coordinator_of(org)
    shared = open_case(owner, org, **victim(NAME))
    unshared = open_case(owner, org, **victim("Выдуманов Тимур"))
    reader = coordinator_of(other_org)
    own = open_case(reader, other_org, **victim("Выдуманова Айгерим"))
    assert page_ids(reader, "Выдуманов") == [own.pk]
    services.case_share(actor=owner, case=shared, organisation=other_org)
    # Ranked search (the list page, the API) and every match (exports): the shared
    # case under its owner's key, the reader's own under theirs, combined.
    assert sorted(page_ids(reader, "Выдуманов")) == sorted([shared.pk, own.pk])
    assert page_ids(reader, "Ерлан") == [shared.pk]
    assert page_ids(reader, "Yerlan Vydumanov") == [shared.pk]  # across scripts, too
    assert list_ids(reader, "Выдуманов") == sorted([shared.pk, own.pk])
    assert list_ids(reader, "Ерлан") == [shared.pk]
    # The owner's unshared case stays out, though its owner's key is in the search.
    assert unshared.pk not in page_ids(reader, "Выдуманов Тимур")
    assert page_ids(reader, "Тимур") == list_ids(reader, "Тимур") == []
    # And the owner still finds both of its own, none of the reader's.
    assert sorted(page_ids(owner, "Выдуманов")) == sorted([shared.pk, unshared.pk])


def test_a_case_shared_with_a_team_is_found_by_that_team_only(org, other_org):
    owner = coordinator_of(org)
    case = open_case(owner, org, **victim(NAME))
    team = TeamFactory(organisation=other_org)
    member = UserFactory(organisation=other_org, role=Role.LAWYER, totp=False)
    member.teams.add(team)
    outsider = UserFactory(organisation=other_org, role=Role.LAWYER, totp=False)
    coordinator_of(other_org)  # a share needs someone there who may receive it
    services.case_share(actor=owner, case=case, organisation=other_org, team=team)
    assert page_ids(member, "Ерлан") == list_ids(member, "Ерлан") == [case.pk]
    assert page_ids(outsider, "Ерлан") == list_ids(outsider, "Ерлан") == []


def test_another_organisations_unshared_case_is_not_found(org, other_org):
    open_case(coordinator_of(org), org, **victim(NAME))
    reader = coordinator_of(other_org)
    assert page_ids(reader, "Выдуманов") == list_ids(reader, "Выдуманов") == []
    # Not even by tokens made under its owner's key: the visibility filter decides.
    assert (
        search_owner_ids(
            owner_type=Case,
            query="Выдуманов",
            organisation_ids=[org.pk, other_org.pk],
            limit=10,
            within=Case.objects.filter(organisation=other_org),
        )
        == []
    )


def test_rebuild_search_stale_re_indexes_documents_of_an_older_scheme(org):
    """After the upgrade to scheme 3, documents written under the one instance-wide key
    match nothing; ``rebuild-search --stale`` (run by ``make run``) re-indexes them, and
    does nothing once the index is current."""
    import io

    from django.core.management import call_command

    from himoya.core.models import AuditEvent
    from himoya.search.tokens import SCHEME, token

    user = coordinator_of(org)
    case = open_case(user, org, **victim(NAME))
    old_key = crypto.derive_key("search-token")  # scheme 2's key, the same for everyone
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {DOCS} SET scheme = 2, tokens = %s WHERE owner_id = %s",  # noqa: S608
            [[token(old_key, "s", "выдуманов")], case.pk],
        )
    assert page_ids(user, "Выдуманов") == []
    out = io.StringIO()
    call_command("rebuild_search", "--stale", stdout=out)
    assert "cases.case: 1 documents" in out.getvalue()
    assert page_ids(user, "Выдуманов") == [case.pk]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scheme FROM {DOCS} WHERE owner_id = %s", [case.pk])  # noqa: S608
        assert cursor.fetchone() == (SCHEME,)
    events = AuditEvent.objects.filter(action="search.rebuild").count()
    out = io.StringIO()
    call_command("rebuild_search", "--stale", stdout=out)
    assert out.getvalue().strip() == "search index: up to date"
    assert AuditEvent.objects.filter(action="search.rebuild").count() == events

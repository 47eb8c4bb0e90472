"""Encrypted model fields and blind indexes (himoya.core.fields) on the real database,
through the test-only model tests.testapp.Secret."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.exceptions import FieldError
from django.db import connection

from himoya.core import crypto, embedded_db
from himoya.core.crypto import DecryptionError
from himoya.core.fields import blind_lookup
from tests.factories import OrganisationFactory, UserFactory
from tests.testapp.models import Secret

MARKER_NAME = "Маркербеков Zq7xNameMarker"
MARKER_PHONE = "+7 701 987-65-43"
MARKER_STORY = "Его били в ИВС Zq7xStoryMarker, Өскемен"
CONTROL = "Zq7xPlainControl"


def raw_row(pk: int) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, name_index, phone, phone_index, story FROM testapp_secret WHERE id = %s",
            [pk],
        )
        columns = [c[0] for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.mark.django_db
class TestSaveAndLoad:
    def test_round_trip(self) -> None:
        secret = Secret.objects.create(
            name="Әсел Қуанышқызы", phone="+992 93 555 12 34", story="Ҷамшед, Хуҷанд\nёж"
        )
        loaded = Secret.objects.get(pk=secret.pk)
        assert loaded.name == "Әсел Қуанышқызы"
        assert loaded.phone == "+992 93 555 12 34"
        assert loaded.story == "Ҷамшед, Хуҷанд\nёж"
        # values_list gives sealed values: only the row they belong to opens them.
        (sealed,) = Secret.objects.values_list("name", flat=True)
        field = Secret._meta.get_field("name")
        assert field.open_row(sealed, pk=secret.pk, scope=[]) == "Әсел Қуанышқызы"
        with pytest.raises(DecryptionError):
            field.open_row(sealed, pk=secret.pk + 1, scope=[])

    def test_database_holds_tokens_bound_to_their_row(self) -> None:
        secret = Secret.objects.create(name=MARKER_NAME, phone=MARKER_PHONE, story=MARKER_STORY)
        row = raw_row(secret.pk)
        for column, plain in (("name", MARKER_NAME), ("phone", MARKER_PHONE)):
            assert row[column].startswith("hm2:")
            assert plain not in row[column]
        here = f"pk={secret.pk}"
        assert crypto.decrypt(row["name"], context="testapp.secret.name", row=here) == MARKER_NAME
        assert (
            crypto.decrypt(row["story"], context="testapp.secret.story", row=here) == MARKER_STORY
        )
        for context, bound in (("testapp.secret.story", here), ("testapp.secret.name", "pk=0")):
            with pytest.raises(DecryptionError):
                crypto.decrypt(row["name"], context=context, row=bound)
        assert len(row["name_index"]) == 32 and len(row["phone_index"]) == 32

    def test_token_moved_to_another_column_does_not_open(self) -> None:
        secret = Secret.objects.create(name="Ерлан", phone="+7 701 000 00 00")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE testapp_secret SET phone = name WHERE id = %s", [secret.pk])
        loaded = Secret.objects.get(pk=secret.pk)
        assert loaded.name == "Ерлан"
        with pytest.raises(DecryptionError, match="does not authenticate"):
            loaded.phone  # noqa: B018

    def test_token_moved_to_another_row_does_not_open(self) -> None:
        first = Secret.objects.create(name="Ерлан", story="первая история")
        second = Secret.objects.create(name="Дильноза", story="вторая история")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE testapp_secret SET story = (SELECT story FROM testapp_secret "
                "WHERE id = %s) WHERE id = %s",
                [first.pk, second.pk],
            )
        with pytest.raises(DecryptionError, match="does not authenticate"):
            Secret.objects.get(pk=second.pk).story  # noqa: B018
        assert Secret.objects.get(pk=first.pk).story == "первая история"

    def test_a_copy_saved_as_a_new_row_is_sealed_for_its_own_row(self) -> None:
        original = Secret.objects.create(name="Ерлан", story="история")
        copy = Secret.objects.get(pk=original.pk)
        copy.pk = None
        copy.save()
        assert copy.pk != original.pk
        assert Secret.objects.get(pk=copy.pk).story == "история"

    def test_damaged_value_raises_instead_of_returning_ciphertext(self) -> None:
        secret = Secret.objects.create(name="Ерлан")
        token = raw_row(secret.pk)["name"]
        damaged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE testapp_secret SET name = %s WHERE id = %s", [damaged, secret.pk]
            )
        with pytest.raises(DecryptionError):
            Secret.objects.get(pk=secret.pk).name  # noqa: B018
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE testapp_secret SET name = %s WHERE id = %s", ["Ерлан", secret.pk]
            )
        with pytest.raises(DecryptionError, match="not a Himoya encrypted token"):
            Secret.objects.get(pk=secret.pk).name  # noqa: B018

    def test_none_stays_null_and_empty_values_get_no_index(self) -> None:
        secret = Secret.objects.create(name="Ерлан", phone=None)
        row = raw_row(secret.pk)
        assert row["phone"] is None and row["phone_index"] is None
        assert Secret.objects.get(pk=secret.pk).phone is None
        blank = Secret.objects.create(name="  ", phone="—")
        row = raw_row(blank.pk)
        assert row["name_index"] is None and row["phone_index"] is None
        assert row["name"].startswith("hm2:")

    def test_index_follows_changes_on_save(self) -> None:
        secret = Secret.objects.create(name="Ерлан", phone="+7 701 111 11 11")
        secret.phone = "+7 701 222 22 22"
        secret.save()
        assert not Secret.objects.filter(**blind_lookup(Secret, "phone_index", "87011111111"))
        assert Secret.objects.get(**blind_lookup(Secret, "phone_index", "87012222222")) == secret


@pytest.mark.django_db
class TestLookups:
    @pytest.mark.parametrize(
        "lookup",
        [
            {"name": "Ерлан"},
            {"name__exact": "Ерлан"},
            {"name__iexact": "Ерлан"},
            {"name__icontains": "Ер"},
            {"name__startswith": "Е"},
            {"name__in": ["Ерлан"]},
            {"name__gt": "A"},
            {"phone": "+77011234567"},
            {"story__contains": "ИВС"},
            {"story__regex": "."},
            {"name__lower": "ерлан"},
        ],
    )
    def test_lookups_on_encrypted_fields_are_refused(self, lookup: dict[str, Any]) -> None:
        Secret.objects.create(name="Ерлан")
        with pytest.raises(FieldError, match="is encrypted: look it up through its blind index"):
            list(Secret.objects.filter(**lookup))
        with pytest.raises(FieldError, match="is encrypted"):
            list(Secret.objects.exclude(**lookup))

    def test_isnull_is_allowed(self) -> None:
        with_phone = Secret.objects.create(name="А", phone="+7 701 000 00 01")
        without = Secret.objects.create(name="Б", phone=None)
        assert list(Secret.objects.filter(phone__isnull=True)) == [without]
        assert list(Secret.objects.filter(phone__isnull=False)) == [with_phone]

    @pytest.mark.parametrize(
        "typed", ["8 (701) 234-56-78", "+7 701 234 56 78", "87012345678", "7-701-234-5678"]
    )
    def test_blind_lookup_finds_phone_in_another_format(self, typed: str) -> None:
        target = Secret.objects.create(name="Ерлан", phone="+7 (701) 234-56-78")
        Secret.objects.create(name="Другой", phone="+7 701 234 56 79")
        assert list(Secret.objects.filter(**blind_lookup(Secret, "phone_index", typed))) == [target]

    @pytest.mark.parametrize("typed", ["ФЁДОРОВ  ПЁТР", "федоров петр", " Фёдоров Пётр "])
    def test_blind_lookup_finds_name_regardless_of_case_spaces_and_yo(self, typed: str) -> None:
        target = Secret.objects.create(name="Фёдоров Пётр")
        Secret.objects.create(name="Федорова Петра")
        assert list(Secret.objects.filter(**blind_lookup(Secret, "name_index", typed))) == [target]

    @pytest.mark.parametrize("typed", ["", "   ", "—", "нет номера"])
    def test_blind_lookup_of_nothing_matches_nothing(self, typed: str) -> None:
        Secret.objects.create(name="Без телефона", phone=None)
        Secret.objects.create(name="Пустой телефон", phone="")
        Secret.objects.create(name="С телефоном", phone="+7 701 234 56 78")
        assert list(Secret.objects.filter(**blind_lookup(Secret, "phone_index", typed))) == []


# -- nothing readable at rest ------------------------------------------------------


def _store_markers() -> None:
    Secret.objects.create(name=MARKER_NAME, phone=MARKER_PHONE, story=MARKER_STORY)
    # A control value in a column that is not encrypted: it must show up, or the
    # scan below would be looking in the wrong place.
    OrganisationFactory(slug="control", name=CONTROL)


def _assert_markers_absent(dump: bytes) -> None:
    assert CONTROL.encode() in dump, "the control value is missing: the scan is not valid"
    for marker in ("Zq7xNameMarker", "Zq7xStoryMarker", "Маркербеков", "987-65-43", "9876543"):
        assert marker.encode("utf-8") not in dump, marker


def test_pg_dump_holds_no_plaintext(transactional_db: Any) -> None:
    _store_markers()
    user = UserFactory()
    RecoveryCodes.activate(user)
    params = connection.settings_dict
    # The wheel's pg_dump (PostgreSQL 18) dumps this and any older server.
    pg_dump = str(embedded_db.bin_dir() / "pg_dump")
    result = subprocess.run(
        [
            pg_dump,
            "--data-only",
            "-h",
            params["HOST"] or "127.0.0.1",
            "-p",
            str(params["PORT"] or 5432),
            "-U",
            params["USER"],
            "-d",
            params["NAME"],
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )
    _assert_markers_absent(result.stdout)
    assert user.totp_secret.encode() not in result.stdout


@pytest.mark.django_db
def test_totp_secret_and_recovery_seed_are_encrypted() -> None:
    user = UserFactory()
    RecoveryCodes.activate(user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, data FROM mfa_authenticator WHERE user_id = %s ORDER BY type", [user.pk]
        )
        rows = {kind: str(data) for kind, data in cursor.fetchall()}
    assert set(rows) == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert user.totp_secret not in rows[Authenticator.Type.TOTP]
    # Bound to the row (its user and type), never stored bound to the column only.
    assert '"secret": "hm2:' in rows[Authenticator.Type.TOTP].replace("'", '"')
    assert '"seed": "hm2:' in rows[Authenticator.Type.RECOVERY_CODES].replace("'", '"')
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    row = f"user={user.pk};type=totp"
    assert crypto.decrypt(stored, context="mfa.authenticator.secret", row=row) == user.totp_secret

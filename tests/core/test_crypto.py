"""Field encryption and blind indexes (himoya.core.crypto), without a database."""

from __future__ import annotations

import base64
import os

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from himoya.core import crypto
from himoya.core.crypto import DecryptionError, KeyRing, KeyRingError

CONTEXT = "cases.person.full_name"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def ring(*ids: str) -> KeyRing:
    return KeyRing.parse(",".join(f"{kid}:{b64(os.urandom(32))}" for kid in ids))


RING_A = ring("ka")


@pytest.mark.parametrize(
    "plain",
    [
        "",
        "Alice",
        "Әсел Қуанышқызы Ұлықпанова, Өскемен, Іле",  # Kazakh letters
        "Ҷамшед Ғафуров, Хуҷанд, Ӯротеппа, Ӣсмоил",  # Tajik letters
        "Ёлка и ёж\nвторая строка\t табуляция",
        "emoji 🙂 and \x00 nul",
        "x" * 100_000,
    ],
)
def test_round_trip(plain: str) -> None:
    token = crypto.encrypt(plain, context=CONTEXT, ring=RING_A)
    assert token.startswith("hm1:ka:")
    assert crypto.decrypt(token, context=CONTEXT, ring=RING_A) == plain
    if plain:
        assert plain not in token


def test_same_plaintext_encrypts_differently_each_time() -> None:
    first = crypto.encrypt("Ерлан", context=CONTEXT, ring=RING_A)
    second = crypto.encrypt("Ерлан", context=CONTEXT, ring=RING_A)
    assert first != second


def test_default_ring_comes_from_settings(settings) -> None:
    token = crypto.encrypt("Душанбе", context=CONTEXT)
    kid = crypto.token_key_id(token)
    assert kid == settings.HIMOYA_DATA_KEYS.split(",")[0].split(":")[0]
    assert crypto.decrypt(token, context=CONTEXT) == "Душанбе"


@hypothesis_settings(max_examples=200, deadline=None)
@given(plain=st.text(), context=st.text(min_size=1, max_size=80))
def test_round_trip_property(plain: str, context: str) -> None:
    token = crypto.encrypt(plain, context=context, ring=RING_A)
    assert crypto.decrypt(token, context=context, ring=RING_A) == plain
    assert crypto.token_key_id(token) == "ka"


def test_associated_data_binds_token_to_its_field() -> None:
    token = crypto.encrypt("Ерлан", context="cases.person.full_name", ring=RING_A)
    with pytest.raises(DecryptionError, match="does not authenticate under key 'ka'"):
        crypto.decrypt(token, context="cases.person.phone", ring=RING_A)


def test_wrong_key_with_same_id_fails() -> None:
    token = crypto.encrypt("Ерлан", context=CONTEXT, ring=RING_A)
    impostor = ring("ka")
    with pytest.raises(DecryptionError, match="the key is wrong or the stored data was altered"):
        crypto.decrypt(token, context=CONTEXT, ring=impostor)


def test_key_id_missing_from_ring_is_named() -> None:
    token = crypto.encrypt("Ерлан", context=CONTEXT, ring=RING_A)
    with pytest.raises(DecryptionError, match="data key 'ka' .* is not in HIMOYA_DATA_KEYS"):
        crypto.decrypt(token, context=CONTEXT, ring=ring("kb"))


def test_any_key_of_the_ring_decrypts_and_the_first_encrypts() -> None:
    old = ring("kold")
    token = crypto.encrypt("Ерлан", context=CONTEXT, ring=old)
    spec = f"knew:{b64(os.urandom(32))},kold:{b64(old.keys['kold'])}"
    both = KeyRing.parse(spec)
    assert both.primary_id == "knew"
    assert crypto.decrypt(token, context=CONTEXT, ring=both) == "Ерлан"
    assert crypto.token_key_id(crypto.encrypt("x", context=CONTEXT, ring=both)) == "knew"


def test_every_corrupted_byte_is_detected() -> None:
    token = crypto.encrypt("Ерлан Тестов", context=CONTEXT, ring=RING_A)
    body = token.split(":", 2)[2]
    blob = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for i in range(len(blob)):
        damaged = bytearray(blob)
        damaged[i] ^= 0x01
        with pytest.raises(DecryptionError, match="does not authenticate"):
            crypto.decrypt(f"hm1:ka:{b64(bytes(damaged))}", context=CONTEXT, ring=RING_A)


@pytest.mark.parametrize("keep", [0, 1, 10, 37])
def test_truncated_token_fails(keep: int) -> None:
    token = crypto.encrypt("Ерлан Тестов", context=CONTEXT, ring=RING_A)
    body = token.split(":", 2)[2]
    cut = f"hm1:ka:{body[:keep]}"
    with pytest.raises(DecryptionError, match="truncated|not valid base64"):
        crypto.decrypt(cut, context=CONTEXT, ring=RING_A)


def test_token_cut_in_the_tag_fails() -> None:
    token = crypto.encrypt("Ерлан Тестов " * 4, context=CONTEXT, ring=RING_A)
    with pytest.raises(DecryptionError, match="does not authenticate"):
        crypto.decrypt(token[:-4], context=CONTEXT, ring=RING_A)


@pytest.mark.parametrize(
    "text",
    ["", "Ерлан Тестов", "hm1", "hm1:ka", "hm3:ka:AAAA", "HM1:ka:AAAA", "plain:text:here"],
)
def test_non_token_text_is_refused(text: str) -> None:
    with pytest.raises(DecryptionError, match="not a Himoya encrypted token"):
        crypto.decrypt(text, context=CONTEXT, ring=RING_A)


def test_a_row_bound_token_opens_only_with_its_row() -> None:
    token = crypto.encrypt("Ерлан", context=CONTEXT, row="pk=7;organisation_id=1", ring=RING_A)
    assert token.startswith("hm2:")
    assert crypto.decrypt(token, context=CONTEXT, row="pk=7;organisation_id=1", ring=RING_A)
    for row in (None, "pk=8;organisation_id=1", "pk=7;organisation_id=2"):
        with pytest.raises(DecryptionError):
            crypto.decrypt(token, context=CONTEXT, row=row, ring=RING_A)


@pytest.mark.parametrize("body", ["Ёлка!!!", "****", "абв"])
def test_token_body_that_is_not_base64_is_refused(body: str) -> None:
    with pytest.raises(DecryptionError):
        crypto.decrypt(f"hm1:ka:{body}", context=CONTEXT, ring=RING_A)


# -- KeyRing.parse -------------------------------------------------------------------


def test_parse_accepts_padded_and_standard_base64() -> None:
    raw = os.urandom(32)
    for encoded in (
        b64(raw),
        base64.urlsafe_b64encode(raw).decode(),
        base64.b64encode(raw).decode(),
    ):
        parsed = KeyRing.parse(f" k1:{encoded} , ")
        assert parsed.keys == {"k1": raw}
        assert parsed.primary_id == "k1"


# Fixed keys: parameter ids must be the same in every xdist worker.
K32 = b64(bytes(range(32)))
K32_OTHER = b64(bytes(range(1, 33)))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "HIMOYA_DATA_KEYS is empty"),
        (" , ,", "HIMOYA_DATA_KEYS is empty"),
        ("k1:not*base64*at*all*not*base64*at*all*xyzxyz", "key 'k1' is not base64"),
        ("k1:Ёжик" + "A" * 40, "key 'k1' is not base64"),
        (f"k1:{b64(bytes(16))}", "key 'k1' must be 32 bytes"),
        (f"k1:{b64(bytes(33))}", "key 'k1' must be 32 bytes"),
        ("k1:", "key 'k1' must be 32 bytes"),
        (f"k1:{K32},k1:{K32_OTHER}", "key id 'k1' appears twice"),
        (K32, "comma-separated list of <key id>:<base64 key>"),
        (f":{K32}", "comma-separated list"),
        (f"k-1:{K32}", "key ids ASCII letters and digits only"),
        (f"ключ:{K32}", "key ids ASCII letters and digits only"),
        (f"{'k' * 65}:{K32}", "key ids ASCII letters and digits only"),
    ],
)
def test_parse_errors_are_specific(spec: str, message: str) -> None:
    with pytest.raises(KeyRingError, match=message):
        KeyRing.parse(spec)


def test_index_key_errors(settings) -> None:
    settings.HIMOYA_INDEX_KEY = b64(os.urandom(16))
    with pytest.raises(KeyRingError, match="HIMOYA_INDEX_KEY must be at least 32 bytes"):
        crypto.index_key()
    settings.HIMOYA_INDEX_KEY = "not base64 at all!"
    with pytest.raises(KeyRingError, match="HIMOYA_INDEX_KEY is not base64"):
        crypto.index_key()


# -- blind indexes -------------------------------------------------------------------

KEY_1 = os.urandom(32)
KEY_2 = os.urandom(32)


def index(value: str, key: bytes = KEY_1, purpose: str = "p") -> str:
    return crypto.blind_index(value, purpose=purpose, key=key)


def test_blind_index_is_deterministic_and_keyed() -> None:
    assert index("ерлан") == index("ерлан")
    assert len(index("ерлан")) == 32
    assert index("ерлан", KEY_1) != index("ерлан", KEY_2)
    assert index("ерлан", purpose="a") != index("ерлан", purpose="b")
    assert index("ерлан") != index("ерлан ")
    assert "ерлан" not in index("ерлан")


def test_blind_index_uses_the_configured_key(settings) -> None:
    before = crypto.blind_index("ерлан", purpose="p")
    assert before == crypto.blind_index(
        "ерлан", purpose="p", key=crypto.organisation_index_key(None)
    )
    assert before != crypto.blind_index("ерлан", purpose="p", organisation_id=1)
    settings.HIMOYA_INDEX_KEY = b64(os.urandom(32))
    assert crypto.blind_index("ерлан", purpose="p") != before


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("ЕРЛАН ТЕСТОВ", "Ерлан Тестов"),
        ("  ерлан \t  тестов ", "Ерлан Тестов"),
        ("Фёдоров Пётр", "Федоров Петр"),
        ("ЁЛКИН", "елкин"),
        ("Әсел ҚУАНЫШҚЫЗЫ", "әсел қуанышқызы"),
        ("Ҷамшед  Ғафуров", "ҷамшед ғафуров"),
        ("Straße", "STRASSE"),
    ],
)
def test_text_normalisation(variant: str, canonical: str) -> None:
    assert crypto.normalise_text(variant) == crypto.normalise_text(canonical)
    assert index(crypto.normalise_text(variant)) == index(crypto.normalise_text(canonical))


def test_text_normalisation_keeps_different_names_apart() -> None:
    assert crypto.normalise_text("Ерлан") != crypto.normalise_text("Ерлон")
    assert crypto.normalise_text("Әсел") != crypto.normalise_text("Асел")


@pytest.mark.parametrize(
    "variant",
    ["+7 701 234-56-78", "8 (701) 234 56 78", "87012345678", "7-701-234-56-78", "+77012345678"],
)
def test_phone_normalisation(variant: str) -> None:
    assert crypto.normalise_phone(variant) == "77012345678"


def test_phone_normalisation_only_rewrites_eleven_digit_trunk_prefix() -> None:
    # A Tajik number starting with 8 is not a Kazakh trunk prefix.
    assert crypto.normalise_phone("+992 88 123 4567") == "992881234567"
    assert crypto.normalise_phone("8123") == "8123"
    assert crypto.normalise_phone("no digits") == ""

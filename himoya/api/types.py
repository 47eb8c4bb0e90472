"""The API's value types and input bases: bounded ids and versions, strict booleans and
dates, countries and codes, and the schemas every request body derives from. They make
out-of-range or mistyped input a 422 with a clear message, never a 500 or a silent
coercion (a JSON ``true`` read as id 1)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from himoya.core.countries import country_error, normalise_country


def _not_a_boolean(value: Any) -> Any:
    """JSON's true and false are not numbers, though pydantic alone reads them as 1 and
    0: ``{"case": true}`` would join case 1."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


def _not_a_number(value: Any) -> Any:
    """Nor is a number a yes or no, though pydantic alone reads 1 and 0 as true and
    false. (A query string's "true" and "1" are text and still read as booleans.)"""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("bool_type", "Input should be a valid boolean")
    return value


NotABoolean = BeforeValidator(_not_a_boolean)
# Bounded so that no value reaches the database that it cannot compare (a 64-bit key,
# a 32-bit version, a sane page offset): out of range is a 422, never a 500. (The bounds
# come before the validator: after it, pydantic writes them into the OpenAPI document
# as "ge" and "le", which no client reads, instead of "minimum" and "maximum".)
Id = Annotated[int, Field(ge=1, le=2**63 - 1), NotABoolean]
Version = Annotated[int, Field(ge=1, le=2**31 - 1), NotABoolean]
Offset = Annotated[int, Field(ge=0, le=10_000_000), NotABoolean]
Flag = Annotated[bool, BeforeValidator(_not_a_number)]


def _country(value: str) -> str:
    """The one country check (``core.countries``), as an input error of the field."""
    message = country_error(value)
    if message is not None:
        raise PydanticCustomError("country", message)
    return normalise_country(value)


def _country_or_empty(value: str) -> str:
    return _country(value) if value.strip() else ""


COUNTRY_DOC = "ISO 3166-1 alpha-2, e.g. KZ or TJ"
Country = Annotated[
    str,
    AfterValidator(_country),
    Field(description=COUNTRY_DOC, json_schema_extra={"pattern": "^[A-Za-z]{2}$"}),
]
CountryOrEmpty = Annotated[
    str,
    AfterValidator(_country_or_empty),
    Field(
        description=f"{COUNTRY_DOC}; empty for the organisation's country",
        json_schema_extra={"pattern": "^([A-Za-z]{2})?$"},
    ),
]
Code = Annotated[str, StringConstraints(max_length=40)]
TermCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
StatusCode = Literal["new", "in_review", "in_progress", "awaiting_answer", "closed"]
SexCode = Literal["male", "female", "other", "unknown"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic alone also takes a number as a Unix time (``0`` is
    1970-01-01) and a datetime at midnight as its date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value  # pydantic then checks that the day exists
    raise PydanticCustomError("date_format", "Enter a valid date as YYYY-MM-DD")


# Every date a request gives.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _refuse_nul(value: Any) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("null_character", "null characters are not allowed")
    if isinstance(value, list | tuple):
        for item in value:
            _refuse_nul(item)


class CleanInput(Schema):
    """Any request input: no NUL characters in text (PostgreSQL refuses them, so they
    would otherwise end as a server error)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        _refuse_nul(value)
        return value


class InputSchema(CleanInput):
    """A request body: an unknown field is an error, so a misspelt field name is
    reported instead of being silently ignored."""

    model_config = ConfigDict(extra="forbid")

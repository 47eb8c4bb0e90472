"""Countries: the one check of a country code, and the countries the product names.

Every way in (the staff forms, the API, the case edit, appeal registration and the
register import) normalises and checks a country with ``country_code``, so a code
accepted by one is accepted by all, with the same message when it is not. Any officially
assigned ISO 3166-1 alpha-2 code is accepted (the interchange format names the standard,
not a list of ours): an organisation may record an appeal about a detention abroad.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# ISO 3166-1 alpha-2: the officially assigned codes.
ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK
    DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR
    GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM
    KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP
    MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL
    PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST
    SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG
    VI VN VU WF WS YE YT ZA ZM ZW""".split()  # noqa: SIM905
)

# The countries the product names in its own words (the region: where the member
# organisations work and where their clients are held). Others show as their code.
COUNTRY_NAMES = {
    "KZ": gettext_lazy("Kazakhstan"),
    "KG": gettext_lazy("Kyrgyzstan"),
    "TJ": gettext_lazy("Tajikistan"),
    "UZ": gettext_lazy("Uzbekistan"),
    "TM": gettext_lazy("Turkmenistan"),
    "RU": gettext_lazy("Russia"),
}


def normalise_country(value: str) -> str:
    """The stored form of a country code: upper case, no surrounding spaces."""
    return value.strip().upper()


def country_error(value: str) -> str | None:
    """Why ``value`` is not a country code, or None when it is one."""
    code = normalise_country(value)
    if not code:
        return _("Enter the country as a two-letter ISO code, e.g. KZ or TJ.")
    if code not in ISO_COUNTRIES:
        return _("“%(value)s” is not an ISO 3166-1 country code.") % {"value": value.strip()}
    return None


def country_code(value: str, *, field_name: str = "country") -> str:
    """``value`` as a stored country code; raises ValidationError (keyed by
    ``field_name``) when it is not an officially assigned ISO 3166-1 alpha-2 code."""
    message = country_error(value)
    if message is not None:
        raise ValidationError({field_name: message}, code="country")
    return normalise_country(value)


def country_label(code: str) -> str:
    return str(COUNTRY_NAMES.get(code, code))

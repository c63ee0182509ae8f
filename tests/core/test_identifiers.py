import pytest

from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import IdentifierType, identifier_validate, siret_validate


@pytest.mark.parametrize(
    "siret",
    [
        "73150001300016",
        "20005794100011",
        "34481082500366",
        "11000201100044",
        "732 829 320 00074",
        "35600000000048",
    ],
)
def test_siret_validate_real_numbers_accepted(siret):
    assert siret_validate(siret) == siret.replace(" ", "")


def test_siret_validate_la_poste_establishment_uses_digit_sum():
    # La Poste's establishments share SIREN 356000000 and use "sum of digits divisible by 5".
    assert siret_validate("35600000049837") == "35600000049837"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("73150001300017", "clé de contrôle"),
        ("00000000108396", "clé de contrôle"),
        ("7315000130001", "14 chiffres"),
        ("7315000130001A", "que des chiffres"),
        ("", "obligatoire"),
    ],
)
def test_siret_validate_bad_value_names_the_problem(value, expected):
    with pytest.raises(ApplicationError) as error:
        siret_validate(value)
    assert expected in str(error.value.message)
    assert error.value.field == "siret"


def test_identifier_validate_eu_vat_number_checked():
    assert identifier_validate(IdentifierType.EU_OUTSIDE_FRANCE, "DE 123456788") == "DE123456788"
    with pytest.raises(ApplicationError, match="TVA intracommunautaire"):
        identifier_validate(IdentifierType.EU_OUTSIDE_FRANCE, "DE123456789")


def test_identifier_validate_french_vat_number_refused_for_eu_type():
    with pytest.raises(ApplicationError, match="SIRET"):
        identifier_validate(IdentifierType.EU_OUTSIDE_FRANCE, "FR40303265045")


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (IdentifierType.RIDET, "1234567001", "12AB"),
        (IdentifierType.TAHITI, "A12345001", "A1234"),
        (IdentifierType.OUTSIDE_EU, "CH-123.456.789", "<script>"),
    ],
)
def test_identifier_validate_other_types_check_their_format(kind, good, bad):
    assert identifier_validate(kind, good)
    with pytest.raises(ApplicationError):
        identifier_validate(kind, bad)

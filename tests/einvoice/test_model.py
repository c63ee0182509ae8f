"""The EN 16931 model: every business term is there, typed, identified and immutable."""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from decimal import Decimal

import pytest

from openchorus.einvoice import codes, model
from openchorus.einvoice.model import Invoice, Profile, iter_terms, profile_from_customization_id, term_id

from ._samples import full_invoice

_CLASSES = [
    obj
    for obj in vars(model).values()
    if isinstance(obj, type)
    and dataclasses.is_dataclass(obj)
    and obj.__module__ == model.__name__
    and obj is not model.TermValue
]
# BT-4 does not exist in EN 16931-1; BG-2 (process control) is flattened into BT-23 and BT-24.
_EXPECTED_BT = {f"BT-{n}" for n in range(1, 166)} - {"BT-4"}
_EXPECTED_BG = {f"BG-{n}" for n in range(1, 33)} - {"BG-2"}


def _declared_ids() -> set[str]:
    found: set[str] = set()
    for cls in _CLASSES:
        for f in dataclasses.fields(cls):
            found.add(f.metadata["bt"])
            found.update(f.metadata.get("bt_in", {}).values())
    return found


def test_model_fields_all_carry_term_id_and_cardinality() -> None:
    for cls in _CLASSES:
        for f in dataclasses.fields(cls):
            assert "bt" in f.metadata, f"{cls.__name__}.{f.name}"
            assert f.metadata["card"] in {"0..1", "1..1", "0..n", "1..n"}, f"{cls.__name__}.{f.name}"


def test_model_declared_terms_cover_every_business_term_and_group() -> None:
    declared = _declared_ids()
    assert not _EXPECTED_BT - declared, sorted(_EXPECTED_BT - declared)
    assert not _EXPECTED_BG - declared, sorted(_EXPECTED_BG - declared)


def test_model_full_invoice_yields_every_term_including_scheme_ids() -> None:
    found = {term.bt for term in iter_terms(full_invoice())}
    # BT-8 and BT-7 are mutually exclusive (BR-CO-3): the sample carries BT-7.
    assert _EXPECTED_BT - {"BT-8"} <= found, sorted(_EXPECTED_BT - {"BT-8"} - found)
    for scheme in ("BT-18-1", "BT-29-1", "BT-30-1", "BT-34-1", "BT-46-1", "BT-47-1", "BT-49-1", "BT-60-1"):
        assert scheme in found
    for scheme in (
        "BT-61-1",
        "BT-71-1",
        "BT-128-1",
        "BT-157-1",
        "BT-158-1",
        "BT-158-2",
        "BT-125-1",
        "BT-125-2",
    ):
        assert scheme in found


def test_model_amount_fields_are_decimal_never_float() -> None:
    for cls in _CLASSES:
        hints = typing.get_type_hints(cls)
        for name, hint in hints.items():
            assert float not in typing.get_args(hint) and hint is not float, f"{cls.__name__}.{name}"
    totals = typing.get_type_hints(model.DocumentTotals)
    assert all(Decimal in typing.get_args(hint) for hint in totals.values())


def test_model_instances_frozen_and_slotted() -> None:
    invoice = full_invoice()
    with pytest.raises(dataclasses.FrozenInstanceError):
        invoice.number = "other"  # type: ignore[misc]
    assert not hasattr(invoice, "__dict__")
    assert hash(model.Identifier(value="1", scheme_id="0009")) == hash(
        model.Identifier(value="1", scheme_id="0009")
    )


@pytest.mark.parametrize("cls", _CLASSES, ids=lambda cls: cls.__name__)
def test_model_init_takes_every_field_by_keyword_with_its_default(cls: type) -> None:
    # The model's __init__ is generated for speed (`model._faster_init`): it must keep the
    # dataclass contract, field by field.
    fields = dataclasses.fields(cls)
    parameters = inspect.signature(cls).parameters
    assert list(parameters) == [f.name for f in fields]
    for f in fields:
        assert parameters[f.name].kind is inspect.Parameter.KEYWORD_ONLY
        assert parameters[f.name].default is f.default
    defaults = cls()
    assert all(getattr(defaults, f.name) is f.default for f in fields)
    first = fields[0].name
    assert getattr(cls(**{first: "x"}), first) == "x"
    with pytest.raises(TypeError):
        cls("x")
    with pytest.raises(TypeError):
        cls(not_a_field="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(defaults, first, "x")
    assert getattr(dataclasses.replace(defaults, **{first: "y"}), first) == "y"


def test_model_term_id_reused_group_gives_group_specific_id() -> None:
    assert term_id(model.PostalAddress, "city", "BG-5") == "BT-37"
    assert term_id(model.PostalAddress, "city", "BG-8") == "BT-52"
    assert term_id(model.PostalAddress, "line3", "BG-15") == "BT-165"
    assert term_id(model.DocumentAllowanceCharge, "amount", "BG-21") == "BT-99"
    assert term_id(Invoice, "customization_id") == "BT-24"


def test_model_iter_terms_buyer_address_reports_buyer_term_ids() -> None:
    terms = {term.path: term.bt for term in iter_terms(full_invoice())}
    assert terms["buyer.address.city"] == "BT-52"
    assert terms["seller.address.city"] == "BT-37"
    assert terms["delivery.address.country_code"] == "BT-80"
    assert terms["lines[0].period.start_date"] == "BT-134"
    assert terms["charges[0].amount"] == "BT-99"
    assert terms["lines[0].charges[0].amount"] == "BT-141"


@pytest.mark.parametrize(
    ("customization_id", "profile"),
    [
        ("urn:factur-x.eu:1p0:minimum", Profile.MINIMUM),
        ("urn:factur-x.eu:1p0:basicwl", Profile.BASIC_WL),
        ("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic", Profile.BASIC),
        ("urn:cen.eu:en16931:2017", Profile.EN16931),
        ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", Profile.EXTENDED),
        ("urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr", Profile.EXTENDED_CTC_FR),
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", Profile.XRECHNUNG),
        ("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", Profile.PEPPOL),
        ("urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic", Profile.BASIC),
        ("urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended", Profile.EXTENDED),
        ("urn:zugferd.de:2p0:minimum", Profile.MINIMUM),
        ("urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:en16931", Profile.EN16931),
        ("urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:comfort", Profile.EN16931),
        ("something else", Profile.OTHER),
        ("", Profile.OTHER),
    ],
)
def test_model_profile_from_customization_id_known_urns_mapped(
    customization_id: str, profile: Profile
) -> None:
    assert profile_from_customization_id(customization_id) == profile


def test_model_credit_note_type_codes_credit_notes_detected() -> None:
    assert Invoice(type_code="381").is_credit_note
    assert not Invoice(type_code="380").is_credit_note
    assert model.CREDIT_NOTE_TYPE_CODES == codes.CREDIT_NOTE_TYPE_CODES


def test_codes_lists_match_the_installed_cen_artefact() -> None:
    from importlib.resources import files

    text = files("facturx").joinpath(codes.ARTEFACT.removeprefix("facturx/")).read_text(encoding="utf-8")
    for name, (rule, index) in codes.RULES.items():
        at = text.index(f'<xsl:attribute name="id">{rule}<')
        test = text[text.rindex('<xsl:when test="', 0, at) : at]
        lists = [found.split() for found in re.findall(r"'( [^']{3,} )'", test)]
        assert set(lists[index]) == getattr(codes, name), name


def test_codes_french_identifier_schemes_known() -> None:
    assert {codes.ICD_SIRENE, codes.ICD_SIRET} <= codes.ICD_SCHEMES
    assert {"0002", "0009", "0225"} <= codes.EAS_SCHEMES
    assert {"EUR", "XPF"} <= codes.CURRENCY_CODES
    assert {"FR", "GP", "RE"} <= codes.COUNTRY_CODES
    assert {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"} <= codes.VAT_CATEGORY_CODES
    assert {"C62", "H87", "HUR", "DAY"} <= codes.UNIT_CODES
    assert {"30", "42", "49", "58", "59"} <= codes.PAYMENT_MEANS_CODES
    assert {"380", "381", "384", "389"} <= codes.INVOICE_TYPE_CODES | codes.CREDIT_NOTE_TYPE_CODES
    assert "VATEX-EU-132" in codes.VATEX_CODES

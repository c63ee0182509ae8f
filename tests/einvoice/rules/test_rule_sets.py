"""The rule engine, the profile subsets, the French rules' switch and the Chorus Pro rules."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from openchorus.einvoice.errors import Severity
from openchorus.einvoice.model import (
    CUSTOMIZATION_IDS,
    Identifier,
    Invoice,
    Note,
    PrecedingInvoiceReference,
    Profile,
    TaxRepresentative,
)
from openchorus.einvoice.rules import en16931, fr, known_rule, rule_sets_for, validate
from openchorus.einvoice.rules.chorus import billing_frame
from openchorus.einvoice.rules.en16931._common import _round2
from openchorus.einvoice.rules.engine import Hit, Rule, RuleRegistry, run_rules
from tests.einvoice.rules.factories import build_invoice, typical_lines

D = Decimal


@pytest.fixture
def invoice() -> Invoice:
    return build_invoice(typical_lines(4))


def fired(invoice: Invoice, *rule_sets: str) -> dict[str, Severity]:
    return {i.rule_id: i.severity for i in validate(invoice, rule_sets=rule_sets)}


# --- Engine -------------------------------------------------------------------------------------


def test_registry_refuses_duplicate_rule_ids() -> None:
    registry = RuleRegistry()

    @registry.rule("X-1", "BT-1", "english", "français")
    def check(inv: Invoice) -> list[Hit]:
        return [Hit("number", "détail", "detail")]

    with pytest.raises(ValueError, match="duplicate"):
        registry.add(Rule("X-1", Severity.FATAL, "BT-1", "fr", "en", check))


def test_run_rules_locates_hits_and_appends_details(invoice: Invoice) -> None:
    registry = RuleRegistry()

    @registry.rule("X-1", "BT-1", "Number rule.", "Règle du numéro.")
    def check(inv: Invoice) -> list[Hit]:
        return [Hit("number", "(fr)", "(en)")]

    issues = run_rules(invoice, registry.rule_set("x"), locate=lambda path: f"/Invoice/cbc:ID ({path})")
    assert issues[0].location == "/Invoice/cbc:ID (number)"
    assert issues[0].message_fr == "Règle du numéro. (fr)"
    assert issues[0].message_en == "Number rule. (en)"


def test_run_rules_skips_paths_the_reader_could_not_read(invoice: Invoice) -> None:
    broken = dataclasses.replace(invoice, issue_date=None)
    assert "BR-03" in {i.rule_id for i in run_rules(broken, en16931.RULE_SET)}
    assert "BR-03" not in {i.rule_id for i in run_rules(broken, en16931.RULE_SET, unreadable={"issue_date"})}


def test_every_rule_has_both_languages() -> None:
    for rule_set in rule_sets_for(("en16931", "fr", "chorus"), None):
        for rule in rule_set:
            assert rule.message_fr and rule.message_en, rule.rule_id
            assert rule.message_fr != rule.message_en, rule.rule_id


def test_unknown_rule_set_name_is_refused(invoice: Invoice) -> None:
    with pytest.raises(ValueError, match="unknown rule set"):
        validate(invoice, rule_sets=("nope",))


# --- EN 16931 specifics -----------------------------------------------------------------------------


def test_rounding_follows_the_artefacts_half_up(invoice: Invoice) -> None:
    # 0.125 rounds to 0.13 (XPath round half up), so a total of 0.13 for one line of 0.125 is right.
    assert _round2(D("0.125")) == D("0.13")
    assert _round2(D("-0.125")) == D("-0.12")


def test_br_co_17_tolerance_differs_between_ubl_and_cii(invoice: Invoice) -> None:
    vat = dataclasses.replace(
        invoice.vat_breakdown[0], taxable_amount=D("-72.50"), tax_amount=D("-12.78"), rate=D("19.00")
    )
    mutant = dataclasses.replace(invoice, vat_breakdown=(vat,))
    ubl = {i.rule_id for i in validate(mutant, rule_sets=("en16931",), syntax_family="ubl")}
    cii = {i.rule_id for i in validate(mutant, rule_sets=("en16931",), syntax_family="cii")}
    assert "BR-CO-17" in ubl and "BR-CO-17" not in cii


def test_basic_wl_is_judged_without_line_rules(invoice: Invoice) -> None:
    basic_wl = dataclasses.replace(invoice, lines=(), customization_id=CUSTOMIZATION_IDS[Profile.BASIC_WL])
    found = fired(basic_wl, "en16931")
    assert "BR-16" not in found
    assert found.keys() <= en16931.BASIC_WL_RULES | {"BR-CO-10"}
    en = dataclasses.replace(basic_wl, customization_id=CUSTOMIZATION_IDS[Profile.EN16931])
    assert "BR-16" in fired(en, "en16931")


def test_minimum_profile_uses_header_rules(invoice: Invoice) -> None:
    minimum = dataclasses.replace(
        invoice, lines=(), vat_breakdown=(), customization_id=CUSTOMIZATION_IDS[Profile.MINIMUM]
    )
    assert fired(minimum, "en16931") == {}
    assert fired(dataclasses.replace(minimum, number=""), "en16931") == {"BR-02": Severity.FATAL}


def test_reverse_charge_needs_buyer_vat_or_legal_id(invoice: Invoice) -> None:
    first = invoice.lines[0]
    reverse_line = dataclasses.replace(
        first, vat=dataclasses.replace(first.vat, category_code="AE", rate=D("0"))
    )
    mutant = build_invoice([reverse_line])
    mutant = dataclasses.replace(mutant, buyer=dataclasses.replace(mutant.buyer, legal_registration=None))
    assert "BR-AE-02" in fired(mutant, "en16931")
    with_vat = dataclasses.replace(
        mutant, buyer=dataclasses.replace(mutant.buyer, vat_identifier="FR11110002011")
    )
    assert "BR-AE-02" not in fired(with_vat, "en16931")


def test_vat_identifier_prefix(invoice: Invoice) -> None:
    mutant = dataclasses.replace(
        invoice, seller=dataclasses.replace(invoice.seller, vat_identifier="44732829320")
    )
    assert "BR-CO-09" in fired(mutant, "en16931")
    greek = dataclasses.replace(
        invoice, seller=dataclasses.replace(invoice.seller, vat_identifier="EL123456789")
    )
    assert "BR-CO-09" not in fired(greek, "en16931")


def test_tax_representative_rules(invoice: Invoice) -> None:
    mutant = dataclasses.replace(invoice, tax_representative=TaxRepresentative(name="", vat_identifier=""))
    found = fired(mutant, "en16931")
    assert {"BR-18", "BR-19", "BR-56"} <= found.keys()


# --- French rules --------------------------------------------------------------------------------


def test_french_rules_switch_between_fatal_and_warning(invoice: Invoice) -> None:
    mutant = dataclasses.replace(invoice, notes=())
    assert fired(mutant, "fr")["BR-FR-05"] == Severity.FATAL
    assert fired(mutant, "fr-warning")["BR-FR-05"] == Severity.WARNING
    assert len(fr.rule_set(fatal=True)) == len(fr.rule_set(fatal=False))


def test_invoice_number_format(invoice: Invoice) -> None:
    assert "BR-FR-02" in fired(dataclasses.replace(invoice, number="F 2026/1"), "fr")
    assert "BR-FR-01" in fired(dataclasses.replace(invoice, number="F" * 36), "fr")
    assert not {"BR-FR-01", "BR-FR-02"} & fired(invoice, "fr").keys()


def test_siret_must_start_with_siren(invoice: Invoice) -> None:
    seller = dataclasses.replace(
        invoice.seller, legal_registration=Identifier(value="552100554", scheme_id="0002")
    )
    assert "BR-FR-09" in fired(dataclasses.replace(invoice, seller=seller), "fr")


def test_billing_frame_and_reform_notes(invoice: Invoice) -> None:
    found = fired(dataclasses.replace(invoice, business_process_type="S1"), "fr")
    assert "BR-FR-08" not in found and "BR-FR-05" not in found
    twice = (*invoice.notes, Note(subject_code="PMT", text="again"))
    assert "BR-FR-06" in fired(dataclasses.replace(invoice, notes=twice), "fr")


def test_credit_note_needs_a_preceding_invoice(invoice: Invoice) -> None:
    credit = dataclasses.replace(invoice, type_code="381")
    assert "BR-FR-CO-05" in fired(credit, "fr")
    ref = PrecedingInvoiceReference(reference="F2026-0000", issue_date=invoice.issue_date)
    assert "BR-FR-CO-05" not in fired(dataclasses.replace(credit, preceding_invoices=(ref,)), "fr")


def test_french_vat_rates(invoice: Invoice) -> None:
    first = invoice.lines[0]
    odd = dataclasses.replace(first, vat=dataclasses.replace(first.vat, rate=D("19.00")))
    assert "BR-FR-16" in fired(build_invoice([odd]), "fr")


# --- Chorus Pro rules ----------------------------------------------------------------------------


def test_la_poste_siret_is_valid(invoice: Invoice) -> None:
    seller = dataclasses.replace(
        invoice.seller,
        identifiers=(Identifier(value="35600000049837", scheme_id="0009"),),
        legal_registration=Identifier(value="356000000", scheme_id="0002"),
        electronic_address=None,
    )
    assert (
        not {"CPRO-SIRET", "CPRO-SIREN", "CPRO-SIRET-SIREN"}
        & fired(dataclasses.replace(invoice, seller=seller), "chorus").keys()
    )


def test_bad_siren_and_mismatch(invoice: Invoice) -> None:
    seller = dataclasses.replace(
        invoice.seller, legal_registration=Identifier(value="732829321", scheme_id="0002")
    )
    found = fired(dataclasses.replace(invoice, seller=seller), "chorus")
    assert {"CPRO-SIREN", "CPRO-SIRET-SIREN"} <= found.keys()


def test_buyer_must_be_identified_by_siret(invoice: Invoice) -> None:
    buyer = dataclasses.replace(invoice.buyer, identifier=None, electronic_address=None)
    assert "CPRO-ID-BUYER" in fired(dataclasses.replace(invoice, buyer=buyer), "chorus")


@pytest.mark.parametrize(
    ("frame", "expected"),
    [("A1", None), ("A2", "CPRO-CADRE-A2"), ("A5", "CPRO-CADRE-02"), ("A30", "CPRO-CADRE-01"), ("B1", None)],
)
def test_billing_frames(invoice: Invoice, frame: str, expected: str | None) -> None:
    found = fired(dataclasses.replace(invoice, business_process_type=frame), "chorus")
    cadre = {r for r in found if r.startswith("CPRO-CADRE")}
    assert cadre == ({expected} if expected else set())


def test_billing_frame_long_code_is_recognised(invoice: Invoice) -> None:
    assert (
        billing_frame(dataclasses.replace(invoice, business_process_type="A9_FACTURE_SOUSTRAITANT")) == "A9"
    )
    assert billing_frame(dataclasses.replace(invoice, business_process_type="urn:peppol")) is None


def test_already_paid_frame_with_zero_due_is_valid(invoice: Invoice) -> None:
    paid = build_invoice(list(invoice.lines), paid=invoice.totals.total_with_vat)
    paid = dataclasses.replace(paid, business_process_type="A2")
    assert "CPRO-CADRE-A2" not in fired(paid, "chorus")


def test_mandatory_mentions_of_the_decree(invoice: Invoice) -> None:
    assert not [r for r in fired(invoice, "chorus") if r.startswith("CPRO-MENTION")]
    bare = dataclasses.replace(
        invoice,
        purchase_order_reference=None,
        buyer_reference=None,
        delivery=None,
        payment_instructions=None,
        due_date=None,
        payment_terms=None,
    )
    found = fired(bare, "chorus")
    for number in ("04", "05", "06", "11"):
        assert found[f"CPRO-MENTION-{number}"] == Severity.WARNING


def test_known_rule_gives_strict_findings_both_languages() -> None:
    rule = known_rule("BR-CO-10")
    assert rule is not None and "BT-106" in rule.message_fr
    assert known_rule("UBL-CR-001") is None


@pytest.mark.parametrize(
    ("profile", "listed"),
    [
        (Profile.BASIC_WL, en16931.BASIC_WL_RULES),
        (Profile.EXTENDED, en16931.EXTENDED_RULES),
        (Profile.EXTENDED_CTC_FR, en16931.EXTENDED_CTC_FR_RULES),
    ],
)
def test_profile_subsets_match_the_installed_artefacts(profile: Profile, listed: frozenset[str]) -> None:
    from openchorus.einvoice import strict

    assert listed == en16931.RULE_SET.ids() & strict.rule_ids(strict.CII_PROFILE[profile])


_DIGIT_SAMPLES = [
    None,
    Decimal("0"),
    Decimal("-0"),
    Decimal("12.5"),
    Decimal("-12.50"),
    Decimal("12.505"),
    Decimal("0.000001"),
    Decimal("0.0000001"),  # written with an exponent by str
    Decimal("1E+2"),
    Decimal("12345678901234567"),
    Decimal("123456789012345678.9"),
    Decimal("1234567890123456789"),
    Decimal("12345678901234567890"),
    Decimal("1234567890123.123456"),
]


@pytest.mark.parametrize("decimals", [2, 4, 6])
@pytest.mark.parametrize("positive", [False, True])
def test_fr_decimal_formats_judged_at_once_as_value_by_value(decimals: int, positive: bool) -> None:
    # BR-FR-DEC-01 to -03 first match all the values with one pattern: it must never accept what the
    # value-by-value test refuses, and must fall back to that test when it does not match.
    from openchorus.einvoice.rules.fr._common import _all_digits_ok, _digits_ok

    for value in _DIGIT_SAMPLES:
        assert _all_digits_ok([value], decimals, positive) == _digits_ok(value, decimals, positive)
        for other in _DIGIT_SAMPLES:
            expected = _digits_ok(value, decimals, positive) and _digits_ok(other, decimals, positive)
            assert _all_digits_ok([value, Decimal("1.5"), other], decimals, positive) == expected


def test_fr_every_french_vat_rate_holds_br_fr_dec_04() -> None:
    # BR-FR-DEC-04 passes an invoice whose rates are all in VAT_RATES without looking further.
    from openchorus.einvoice.rules.fr._common import VAT_RATES, _fmt, _french_rates
    from openchorus.einvoice.rules.fr.decimals import _rate_holds

    for rate in VAT_RATES:
        assert _fmt(Decimal(rate)) == rate and _rate_holds(Decimal(rate))
    assert _french_rates([Decimal("20.00"), None, Decimal("5.5")])
    assert not _french_rates([Decimal("20.00"), Decimal("2E+1")])
    fired = {i.rule_id for i in validate(build_invoice(typical_lines(3)), rule_sets=("fr",))}
    assert not fired & {"BR-FR-16", "BR-FR-DEC-04"}
    line = typical_lines(1)[0]
    odd = dataclasses.replace(line, vat=dataclasses.replace(line.vat, rate=Decimal("-19.999")))
    fired = {i.rule_id for i in validate(build_invoice((odd,)), rule_sets=("fr",))}
    assert {"BR-FR-16", "BR-FR-DEC-04"} <= fired

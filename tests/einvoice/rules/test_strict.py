"""Strict mode: official artefacts through saxonche, compiled once, fed only hardened trees."""

from __future__ import annotations

import pytest
from lxml import etree

from openchorus.einvoice import strict, write
from openchorus.einvoice.errors import EInvoiceError, Severity
from openchorus.einvoice.model import Profile
from openchorus.einvoice.xml import parse_xml
from tests.einvoice.rules.factories import build_invoice, typical_lines


def test_each_stylesheet_is_compiled_once() -> None:
    root = parse_xml(write(build_invoice(typical_lines(2)), "ubl"))
    strict.validate(root)
    count = strict.compiled_count()
    first = strict._compiled(strict.UBL_EN16931)
    strict.validate(root)
    strict.validate(root)
    assert strict.compiled_count() == count
    assert strict._compiled(strict.UBL_EN16931) is first


def test_a_doctype_never_reaches_saxon() -> None:
    tree = etree.fromstring(
        b'<!DOCTYPE Invoice [<!ENTITY e "x">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
        etree.XMLParser(resolve_entities=False),
    )
    with pytest.raises(EInvoiceError) as refused:
        strict.serialise(tree)
    assert refused.value.issue.rule_id == "XML-DOCTYPE"


def test_the_hardened_parser_refuses_external_entities_before_strict() -> None:
    with pytest.raises(EInvoiceError):
        parse_xml(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]><x>&e;</x>')


@pytest.mark.parametrize(
    ("customization", "expected"),
    [
        ("urn:factur-x.eu:1p0:minimum", strict.CII_PROFILE[Profile.MINIMUM]),
        ("urn:factur-x.eu:1p0:basicwl", strict.CII_PROFILE[Profile.BASIC_WL]),
        ("urn:cen.eu:en16931:2017", strict.CII_PROFILE[Profile.EN16931]),
        (
            "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
            strict.CII_PROFILE[Profile.EXTENDED],
        ),
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", strict.CII_DEFAULT),
    ],
)
def test_the_profile_picks_the_cii_stylesheet(customization: str, expected: str) -> None:
    root = parse_xml(
        (
            '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
            'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">'
            "<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>"
            f"<ram:ID>{customization}</ram:ID>"
            "</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>"
            "</rsm:CrossIndustryInvoice>"
        ).encode()
    )
    assert strict.artefacts_for(root, french=True) == [expected, strict.CII_BR_FR]


def test_other_documents_are_refused() -> None:
    with pytest.raises(EInvoiceError):
        strict.artefacts_for(parse_xml(b"<x/>"))


def test_svrl_is_read_into_issues() -> None:
    svrl = (
        '<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">'
        '<svrl:failed-assert id="BR-CO-10" flag="fatal" location="/Invoice"><svrl:text>sum</svrl:text>'
        "</svrl:failed-assert>"
        '<svrl:failed-assert id="BR-FR-09_BT-29" flag="fatal" location="/x"><svrl:text>siret</svrl:text>'
        "</svrl:failed-assert>"
        '<svrl:failed-assert id="UBL-CR-001" flag="warning" location="/y"><svrl:text>w</svrl:text>'
        "</svrl:failed-assert>"
        '<svrl:successful-report test="@currencyID" location="/z"><svrl:text>not used</svrl:text>'
        "</svrl:successful-report>"
        '<svrl:failed-assert test="x" location="/w"><svrl:text>no id</svrl:text></svrl:failed-assert>'
        "</svrl:schematron-output>"
    )
    issues = strict.parse_svrl(svrl)
    assert [(i.rule_id, i.severity) for i in issues] == [
        ("BR-CO-10", Severity.FATAL),
        ("BR-FR-09", Severity.FATAL),
        ("UBL-CR-001", Severity.WARNING),
        ("STRICT-REPORT", Severity.WARNING),
        ("STRICT-ASSERT", Severity.FATAL),
    ]
    assert issues[1].message_fr.startswith("[BR-FR-09_BT-29]")


def test_a_failing_artefact_gives_a_warning_not_an_exception() -> None:
    # A text that is not XML makes Saxon fail: the finding says the rules could not be checked.
    issues = strict.run_artefact(strict.UBL_EN16931, "<unclosed")
    assert [(i.rule_id, i.severity) for i in issues] == [("STRICT-ERROR", Severity.WARNING)]


def test_french_rules_can_be_downgraded() -> None:
    root = parse_xml(write(build_invoice(typical_lines(2)), "cii"))
    fatal = {i.rule_id: i.severity for i in strict.validate(root, french=True)}
    warning = {i.rule_id: i.severity for i in strict.validate(root, french=True, french_fatal=False)}
    assert fatal["BR-FR-08"] == Severity.FATAL and warning["BR-FR-08"] == Severity.WARNING


def test_rule_ids_are_read_from_the_stylesheet() -> None:
    ids = strict.rule_ids(strict.UBL_EN16931)
    assert {"BR-01", "BR-CO-10", "BR-CL-25"} <= ids
    assert "BR-FR-09" in strict.rule_ids(strict.UBL_BR_FR)

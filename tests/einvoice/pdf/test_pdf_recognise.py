"""Field recognition: value readers, keyword proximity, and the share found on generated layouts."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from openchorus.einvoice.pdf import FIELD_NAMES, extract_fields
from openchorus.einvoice.pdf.recognise import recognise_lines
from openchorus.einvoice.pdf.text import PageText, TextDocument, Word, document_lines
from openchorus.einvoice.pdf.values import (
    normalise,
    parse_amount,
    read_amounts,
    read_dates,
    read_ibans,
    read_identifiers,
    read_sirets,
)
from tests.einvoice.pdf.pdf_layouts import LAYOUTS, generate, random_iban, random_siret

# --- value readers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("-12,5", Decimal("12.5")),  # the sign is read by `read_amounts`
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1234.5", Decimal("1234.5")),
        ("12 345 678,90", Decimal("12345678.90")),
        ("1.234", Decimal("1234")),
        ("0,99", Decimal("0.99")),
    ],
)
def test_parse_amount_written_forms_give_decimal(text: str, expected: Decimal) -> None:
    assert parse_amount(text.lstrip("-")) == expected


def test_read_amounts_percentages_and_bare_integers_skipped() -> None:
    values = [value for value, _, _ in read_amounts("tva 20 % sur 3 lignes : 1 234,56 € et -5,00", 0)]

    assert values == [Decimal("1234.56"), Decimal("-5.00")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/2026", date(2026, 3, 12)),
        ("12.03.2026", date(2026, 3, 12)),
        ("12-03-26", date(2026, 3, 12)),
        ("2026-03-12", date(2026, 3, 12)),
        ("1er mars 2026", date(2026, 3, 1)),
        ("12 fevrier 2026", date(2026, 2, 12)),
        ("march 12, 2026", date(2026, 3, 12)),
        ("31/02/2026 puis 01/03/2026", date(2026, 3, 1)),
    ],
)
def test_read_dates_french_and_iso_forms_give_date(text: str, expected: date) -> None:
    assert next(value for value, _, _ in read_dates(text, 0)) == expected


def test_read_sirets_luhn_and_la_poste_exception_accepted_others_refused() -> None:
    text = "11000201100044 ; 356 000 000 00048 ; 11000201100045 ; 732 829 320 00074"

    assert [value for value, _, _ in read_sirets(text, 0)] == [
        "11000201100044",
        "35600000000048",
        "73282932000074",
    ]


def test_read_ibans_mod_97_checked_and_trailing_text_left_out() -> None:
    iban = random_iban(random.Random(1))
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    wrong = iban[:-1] + ("0" if iban[-1] != "0" else "1")

    found = [value for value, _, _ in read_ibans(normalise(f"iban {spaced} bic bnpafrpp {wrong}"), 0)]

    assert found == [iban]


def test_read_identifiers_dates_and_amounts_are_not_references() -> None:
    text = "n° 12/03/2026 300 € f2026-0042 abc"

    assert [value for value, _, _ in read_identifiers(text, 0)] == ["f2026-0042"]


def test_normalise_keeps_length_and_removes_accents() -> None:
    text = "Numéro d’engagement : Ministère"

    assert normalise(text) == "numero d'engagement : ministere"
    assert len(normalise(text)) == len(text)


# --- keyword proximity --------------------------------------------------------------------------


def words_line(y: float, *cells: tuple[float, str]) -> list[Word]:
    """Words of one line: each cell is (x, text), split on spaces at 5.5 pt per character."""
    out = []
    for x, text in cells:
        position = x
        for part in text.split():
            width = 5.5 * len(part)
            out.append(Word(part, 1, position, position + width, y, y + 10))
            position += width + 2.5
    return out


def document(*lines: list[Word]) -> TextDocument:
    words = tuple(word for line in lines for word in line)
    return TextDocument(pages=(PageText(1, 595, 842, words, sum(len(w.text) for w in words), 0.0),))


def test_recognise_value_below_column_header_is_found() -> None:
    doc = document(
        words_line(100, (50, "Total HT"), (200, "Total TVA"), (350, "Total TTC")),
        words_line(114, (120, "1 000,00"), (280, "200,00"), (430, "1 200,00")),
    )

    fields = recognise_lines(document_lines(doc)).fields

    assert fields.total_excl_vat is not None and fields.total_excl_vat.value == Decimal("1000.00")
    assert fields.vat_total is not None and fields.vat_total.value == Decimal("200.00")
    assert fields.total_incl_vat is not None and fields.total_incl_vat.value == Decimal("1200.00")
    assert fields.total_excl_vat.where.relation == "below"


def test_recognise_siret_roles_from_party_blocks() -> None:
    supplier = random_siret(random.Random(3))
    doc = document(
        words_line(100, (50, "Fournisseur"), (320, "Destinataire")),
        words_line(114, (50, "Atelier Dupont"), (320, "Ministère des Armées")),
        words_line(128, (50, f"SIRET {supplier}"), (320, "SIRET 11000201100044")),
    )

    fields = recognise_lines(document_lines(doc)).fields

    assert fields.recipient_siret is not None and fields.recipient_siret.value == "11000201100044"
    assert fields.supplier_siret is not None and fields.supplier_siret.value == supplier
    assert fields.recipient_siret.where.relation == "block"


def test_recognise_ministere_block_makes_generic_siret_the_recipient() -> None:
    supplier = random_siret(random.Random(5))
    doc = document(
        words_line(100, (320, "Ministère de la Culture")),
        words_line(114, (320, "3 rue de Valois 75001 Paris")),
        words_line(128, (320, "SIRET 110 002 011 00044")),
        words_line(780, (50, f"Atelier Dupont SAS au capital de 10 000 € SIRET {supplier}")),
    )

    fields = recognise_lines(document_lines(doc)).fields

    assert fields.recipient_siret is not None and fields.recipient_siret.value == "11000201100044"
    assert fields.recipient_siret.where.keyword == "Ministère"
    assert fields.supplier_siret is not None and fields.supplier_siret.value == supplier


def test_recognise_keyword_announced_value_beats_unannounced_one() -> None:
    doc = document(
        words_line(100, (50, "Réf. interne 2026-77")),
        words_line(114, (50, "Facture n° F-2026-0042")),
        words_line(128, (50, "Bon de commande : 4500012345")),
    )

    fields = recognise_lines(document_lines(doc)).fields

    assert fields.invoice_number is not None and fields.invoice_number.value == "F-2026-0042"
    assert fields.invoice_number.where.keyword == "Facture n°"
    assert fields.engagement_number is not None and fields.engagement_number.value == "4500012345"
    assert 0 < fields.engagement_number.confidence <= 1


def test_recognise_vat_number_is_not_a_vat_amount() -> None:
    doc = document(
        words_line(100, (50, "N° TVA intracommunautaire FR40303265045")),
        words_line(114, (50, "Total HT 100,00 €")),
        words_line(128, (50, "TVA 20,00 €")),
        words_line(142, (50, "Total TTC 120,00 €")),
    )

    fields = recognise_lines(document_lines(doc)).fields

    assert fields.vat_total is not None and fields.vat_total.value == Decimal("20.00")
    # Totals that add up are trusted more.
    assert fields.vat_total.confidence >= 0.8


def test_recognise_empty_text_finds_nothing() -> None:
    recognition = recognise_lines(())

    assert all(getattr(recognition.fields, name) is None for name in FIELD_NAMES)


# --- generated layouts ----------------------------------------------------------------------------

GENERATED = 42  # six of each layout


@pytest.fixture(scope="module")
def generated() -> list[tuple[str, dict[str, object], dict[str, object]]]:
    """(layout, expected fields, recognised values) for each generated invoice."""
    out = []
    for layout, invoice, data in generate(GENERATED, seed=20260322):
        fields = extract_fields(data).fields
        recognised = {name: getattr(fields, name) for name in FIELD_NAMES}
        out.append((layout, invoice.expected(), {k: v.value if v else None for k, v in recognised.items()}))
    return out


def test_generated_invoices_cover_every_layout(generated: list[tuple[str, object, object]]) -> None:
    assert {layout for layout, _, _ in generated} == set(LAYOUTS)
    assert len(LAYOUTS) >= 5


def test_recognition_share_on_generated_layouts_reaches_95_percent(
    generated: list[tuple[str, dict[str, object], dict[str, object]]],
) -> None:
    expected_count = sum(len(expected) for _, expected, _ in generated)
    found = sum(
        1
        for _, expected, recognised in generated
        for name, value in expected.items()
        if recognised[name] == value
    )
    share = found / expected_count

    assert share >= 0.95, f"{found}/{expected_count} = {share:.1%}"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_recognition_share_per_layout_reaches_80_percent(
    generated: list[tuple[str, dict[str, object], dict[str, object]]], layout: str
) -> None:
    rows = [(expected, recognised) for name, expected, recognised in generated if name == layout]
    total = sum(len(expected) for expected, _ in rows)
    found = sum(
        1 for expected, recognised in rows for name, value in expected.items() if recognised[name] == value
    )

    assert found / total >= 0.8, f"{layout}: {found}/{total}"

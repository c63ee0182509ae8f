"""BR-FR-09 to BR-FR-13, BR-FR-23, BR-FR-25, BR-FR-32: SIREN, SIRET and electronic addresses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...model import Identifier, Invoice
from ..engine import Hit, RuleRegistry
from ._common import (
    _ADDRESS_FORMAT,
    _SIREN,
    _SIRET,
    _at,
    _blank,
    _siren_of,
    _value,
)

_registry = RuleRegistry()
rule = _registry.rule


def _sirets(idents: Iterable[Identifier | None], path: str) -> Iterator[tuple[str, str]]:
    for i, ident in enumerate(idents):
        if ident is not None and ident.scheme_id == "0009":
            yield f"{path}[{i}]" if path.endswith("identifiers") else path, ident.value


@rule(
    "BR-FR-09",
    "BT-29",
    "A SIRET (scheme 0009) shall have 14 digits and start with the party's SIREN.",
    "Le SIRET (schéma 0009) doit contenir 14 chiffres et commencer par le SIREN de la partie.",
)
def _fr09(inv: Invoice) -> Iterator[Hit]:
    parties: list[tuple[str, list[Identifier | None], str | None, bool]] = [
        ("seller.identifiers", list(inv.seller.identifiers), _siren_of(inv.seller.legal_registration), False),
        ("buyer.identifier", [inv.buyer.identifier], _siren_of(inv.buyer.legal_registration), False),
    ]
    # For the other parties the artefact falls back on the SIRET's own first nine digits.
    if inv.delivery is not None:
        parties.append(("delivery.location_identifier", [inv.delivery.location_identifier], None, True))
    if inv.payee is not None:
        parties.append(
            ("payee.identifier", [inv.payee.identifier], _siren_of(inv.payee.legal_registration), True)
        )
    for path, idents, siren, fallback in parties:
        for where, siret in _sirets(idents, path):
            expected = siren if siren or not fallback else siret[:9]
            if not _SIRET.fullmatch(siret) or siret[:9] != expected:
                yield Hit(
                    where,
                    f"(SIRET « {siret} », SIREN « {siren or ''} »)",
                    f"(SIRET '{siret}', SIREN '{siren or ''}')",
                )


@rule(
    "BR-FR-10",
    "BT-30",
    "The Seller SIREN (BT-30, scheme 0002) is mandatory and shall have exactly 9 digits.",
    "Le SIREN du vendeur (BT-30, schéma 0002) est obligatoire et doit être composé exactement de 9 chiffres.",
    fix_fr="Indiquez le SIREN du vendeur comme identifiant légal, avec le schéma 0002.",
    fix_en="Give the seller's SIREN as its legal registration identifier, with scheme 0002.",
)
def _fr10(inv: Invoice) -> Iterator[Hit]:
    siren = _siren_of(inv.seller.legal_registration)
    if siren is None or not _SIREN.fullmatch(siren.strip()):
        yield _at("seller.legal_registration", _value(siren or ""))


@rule(
    "BR-FR-12",
    "BT-49",
    "The Buyer electronic address (BT-49) is mandatory.",
    "L'adresse électronique de l'acheteur (BT-49) est obligatoire.",
)
def _fr12(inv: Invoice) -> Iterator[Hit]:
    if inv.buyer.electronic_address is None or _blank(inv.buyer.electronic_address.value):
        yield Hit("buyer.electronic_address")


@rule(
    "BR-FR-13",
    "BT-34",
    "The Seller electronic address (BT-34) is mandatory.",
    "L'adresse électronique du vendeur (BT-34) est obligatoire.",
)
def _fr13(inv: Invoice) -> Iterator[Hit]:
    if inv.seller.electronic_address is None or _blank(inv.seller.electronic_address.value):
        yield Hit("seller.electronic_address")


def _addresses(inv: Invoice) -> Iterator[tuple[str, Identifier]]:
    if inv.seller.electronic_address is not None:
        yield "seller.electronic_address", inv.seller.electronic_address
    if inv.buyer.electronic_address is not None:
        yield "buyer.electronic_address", inv.buyer.electronic_address


@rule(
    "BR-FR-23",
    "BT-34",
    "An electronic address with scheme 0225 (BT-34, BT-49) shall only contain letters, digits and the "
    "symbols + - _ .",
    "L'adresse électronique de schéma 0225 (BT-34, BT-49) ne respecte pas le format autorisé : seuls les "
    "caractères alphanumériques et les symboles + - _ . sont admis.",
)
def _fr23(inv: Invoice) -> Iterator[Hit]:
    for path, address in _addresses(inv):
        if address.scheme_id == "0225" and not _ADDRESS_FORMAT.fullmatch(address.value):
            yield _at(path, _value(address.value))


@rule(
    "BR-FR-25",
    "BT-34",
    "An electronic address (BT-34, BT-49) shall not exceed 125 characters.",
    "L'adresse électronique (BT-34, BT-49) ne doit pas dépasser 125 caractères.",
)
def _fr25(inv: Invoice) -> Iterator[Hit]:
    for path, address in _addresses(inv):
        if len(address.value) > 125:
            yield _at(path, _value(address.value[:40] + "…"))


@rule(
    "BR-FR-32",
    "BT-30",
    "Any party identifier or legal identifier with scheme 0002 (SIREN) shall have 9 digits.",
    "Tout identifiant d'une partie de schéma 0002 (SIREN) doit être composé de 9 chiffres.",
)
def _fr32(inv: Invoice) -> Iterator[Hit]:
    idents: list[tuple[str, Identifier | None]] = [
        ("seller.legal_registration", inv.seller.legal_registration),
        ("buyer.legal_registration", inv.buyer.legal_registration),
        ("buyer.identifier", inv.buyer.identifier),
        *((f"seller.identifiers[{i}]", ident) for i, ident in enumerate(inv.seller.identifiers)),
    ]
    if inv.payee is not None:
        idents += [
            ("payee.identifier", inv.payee.identifier),
            ("payee.legal_registration", inv.payee.legal_registration),
        ]
    for path, ident in idents:
        if ident is not None and ident.scheme_id == "0002" and not _SIREN.fullmatch(ident.value.strip()):
            yield _at(path, _value(ident.value))

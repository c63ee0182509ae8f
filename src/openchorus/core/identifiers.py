"""Identifiers of legal entities (ORG-1): their types and the real check of each.

One place for the rule, used by the sign-up (ACC-1), structures (ORG-1) and the directory.
The checksums come from python-stdnum, never from hand-written code.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat
from stdnum.fr import siret as fr_siret

from openchorus.core.errors import ApplicationError


class IdentifierType(models.TextChoices):
    """Chorus Pro's identifier types (`typeIdentifiant` in its API)."""

    SIRET = "SIRET", _("SIRET")
    EU_OUTSIDE_FRANCE = "UE_HORS_FRANCE", _("Structure européenne hors France (numéro de TVA)")
    OUTSIDE_EU = "HORS_UE", _("Structure hors Union européenne")
    RIDET = "RIDET", _("RIDET (Nouvelle-Calédonie)")
    TAHITI = "TAHITI", _("Numéro TAHITI (Polynésie française)")
    PRIVATE_PERSON = "PARTICULIER", _("Particulier")
    OTHER = "AUTRE", _("Autre identifiant")


_RIDET = re.compile(r"^\d{6,7}\d{3}$")
_TAHITI = re.compile(r"^[A-Z0-9]{6}\d{3}$")
_FREE = re.compile(r"^[A-Z0-9][A-Z0-9 ./-]{1,79}$")


def identifier_normalize(identifier_type: str, value: str) -> str:
    """The stored form of an identifier: no spaces for numbers, upper case."""
    value = (value or "").strip().upper()
    if identifier_type in {IdentifierType.SIRET, IdentifierType.RIDET, IdentifierType.TAHITI}:
        return re.sub(r"[\s.]", "", value)
    if identifier_type == IdentifierType.EU_OUTSIDE_FRANCE:
        return re.sub(r"[\s.-]", "", value)
    return re.sub(r"\s+", " ", value)


def siret_validate(value: str, *, field: str = "siret") -> str:
    """Check a SIRET as INSEE does (14 digits, Luhn key, La Poste's exception)."""
    number = identifier_normalize(IdentifierType.SIRET, value)
    if not number:
        raise ApplicationError(_("Le numéro de SIRET est obligatoire."), field=field)
    if not number.isdigit():
        raise ApplicationError(
            _("Le numéro de SIRET « %(value)s » ne doit contenir que des chiffres.") % {"value": value},
            field=field,
        )
    if len(number) != 14:
        raise ApplicationError(
            _("Le numéro de SIRET doit comporter 14 chiffres ; « %(value)s » en compte %(count)d.")
            % {"value": value, "count": len(number)},
            field=field,
        )
    try:
        fr_siret.validate(number)
    except stdnum_errors.ValidationError:
        raise ApplicationError(
            _(
                "Le numéro de SIRET %(value)s n'est pas valide : sa clé de contrôle est fausse. "
                "Vérifiez-le sur votre extrait Kbis ou sur l'avis de situation INSEE."
            )
            % {"value": number},
            field=field,
        ) from None
    return number


def identifier_validate(identifier_type: str, value: str, *, field: str = "identifier") -> str:
    """Validate an identifier of the given type and return its normalised form."""
    if identifier_type not in IdentifierType.values:
        raise ApplicationError(_("Choisissez un type d'identifiant."), field="identifier_type")
    if identifier_type == IdentifierType.SIRET:
        return siret_validate(value, field=field)
    number = identifier_normalize(identifier_type, value)
    if not number:
        raise ApplicationError(_("L'identifiant est obligatoire."), field=field)
    if identifier_type == IdentifierType.EU_OUTSIDE_FRANCE:
        if number.startswith("FR"):
            raise ApplicationError(
                _("Une structure française s'identifie par son SIRET, pas par son numéro de TVA."),
                field=field,
            )
        try:
            return eu_vat.validate(number)
        except stdnum_errors.ValidationError:
            raise ApplicationError(
                _(
                    "Le numéro de TVA intracommunautaire %(value)s n'est pas valide "
                    "(préfixe pays puis numéro, par exemple DE123456788)."
                )
                % {"value": number},
                field=field,
            ) from None
    if identifier_type == IdentifierType.RIDET and not _RIDET.match(number):
        raise ApplicationError(
            _("Un RIDET comporte 6 ou 7 chiffres suivis des 3 chiffres de l'établissement."), field=field
        )
    if identifier_type == IdentifierType.TAHITI and not _TAHITI.match(number):
        raise ApplicationError(
            _("Un numéro TAHITI comporte 6 caractères suivis des 3 chiffres de l'établissement."),
            field=field,
        )
    if not _FREE.match(number):
        raise ApplicationError(
            _("L'identifiant ne peut contenir que des lettres, des chiffres, espaces, points et tirets."),
            field=field,
        )
    return number

"""Bank details of a structure (coordonnées bancaires, ORG-4): IBAN/BIC or French RIB, optional factor.

Every check comes from a library: schwifty verifies the IBAN (country, length, key, and the national
key inside the BBAN where it knows the algorithm), the BIC, and the French RIB key (by building the
French IBAN from the RIB and verifying its national checksum, the RIB key algorithm). python-stdnum
offers no RIB module, hence schwifty for it too.
"""

from __future__ import annotations

import gettext
import re
import warnings
from functools import cache
from typing import IO

import pycountry
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from schwifty.registry import get_iban_spec

from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import IdentifierType, identifier_validate
from openchorus.core.storage import (
    GIF,
    JPEG,
    PDF,
    PNG,
    TIFF,
    read_capped,
    sniff_content_type,
    stored_file_put,
)
from openchorus.structures.enums import Status
from openchorus.structures.models import BankAccount, BankAccountKind, Structure
from openchorus.structures.services._common import audit, require, snapshot

DOCUMENT_MAX_BYTES = 4 * 1024 * 1024
DOCUMENT_TYPES = frozenset({PDF, PNG, JPEG, GIF, TIFF})
# Countries whose accounts are written as a French RIB (same structure and key algorithm).
RIB_COUNTRIES = ("FR", "MC")

ACCOUNT_FIELDS = [
    "name", "kind", "country", "iban", "bic", "bank_code", "branch_code", "account_number", "rib_key",
    "factor_name", "factor_country", "factor_identifier", "factor_identifier_type",
]  # fmt: skip
FACTOR_FIELDS = ["factor_name", "factor_country", "factor_identifier", "factor_identifier_type"]
AUDITED_FIELDS = [*ACCOUNT_FIELDS, "status", "document"]

_SEPARATORS = re.compile(r"[\s.\-]+")


def _compact(value: str) -> str:
    """Bank data as typed, without the spaces, dots or dashes people copy from a RIB."""
    return _SEPARATORS.sub("", value or "").upper()


def _mask(value: str) -> str:
    """Keep the last 4 characters only, for the audit trail."""
    return "*" * max(len(value) - 4, 0) + value[-4:] if value else ""


def audit_snapshot(account: BankAccount) -> dict:
    """The audited state of an account, account numbers masked."""
    values = snapshot(account, AUDITED_FIELDS)
    values["iban"] = _mask(values["iban"])
    values["account_number"] = _mask(values["account_number"])
    values["rib_key"] = "**" if values["rib_key"] else ""
    return values


@cache
def iban_countries() -> tuple[str, ...]:
    """Alpha-2 codes of the countries that have an IBAN format."""
    codes = []
    for country in pycountry.countries:
        try:
            get_iban_spec(country.alpha_2)
        except iban_errors.InvalidCountryCode:
            continue
        codes.append(country.alpha_2)
    return tuple(codes)


@cache
def _country_names(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str) -> str:
    """A country's common name in the active language (French by default), from ISO 3166."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _country_names(translation.get_language() or "fr").gettext(name)


def _iban_check(iban: str, country: str) -> str:
    if not iban:
        raise ApplicationError(
            _(
                "L'IBAN est obligatoire pour des coordonnées de type IBAN (clé IBAN et identification du compte)."
            ),
            field="iban",
        )
    if not re.fullmatch(r"[A-Z0-9]+", iban):
        raise ApplicationError(
            _("L'IBAN ne doit contenir que des lettres et des chiffres, saisis à la suite sans séparateur."),
            field="iban",
        )
    if iban[:2] != country:
        raise ApplicationError(
            _(
                "L'IBAN commence par « %(prefix)s » alors que le pays choisi est %(country)s : choisissez le "
                "pays de l'IBAN ou corrigez l'IBAN."
            )
            % {"prefix": iban[:2], "country": country},
            field="iban",
        )
    length = get_iban_spec(country).iban_length
    try:
        # National keys (the RIB key inside a French IBAN, for instance) are checked where schwifty
        # knows the algorithm; for the other countries it warns that it could not, which is fine.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", iban_errors.NationalChecksumNotVerified)
            return str(IBAN(iban, validate_bban=True))
    except iban_errors.InvalidLength:
        message = _(
            "Un IBAN %(country)s comporte %(expected)d caractères ; celui saisi en compte %(count)d. "
            "Vérifiez-le sur votre relevé d'identité bancaire."
        ) % {"country": country, "expected": length, "count": len(iban)}
    except iban_errors.InvalidStructure:
        message = _(
            "L'identification du compte (BBAN) ne respecte pas le format des IBAN %(country)s "
            "(%(expected)d caractères, lettres et chiffres à leur place)."
        ) % {"country": country, "expected": length}
    except iban_errors.InvalidChecksumDigits:
        raise ApplicationError(
            _(
                "La clé IBAN (les 2 chiffres après « %(country)s ») ne correspond pas au reste de l'IBAN : "
                "une erreur de saisie s'y trouve, vérifiez chaque caractère."
            )
            % {"country": country},
            field="iban",
            extra={"part": "key"},
        ) from None
    except iban_errors.InvalidBBANChecksum:
        message = _(
            "La clé nationale contenue dans l'IBAN (la clé RIB pour la France) est fausse : vérifiez le "
            "code banque, le code guichet et le numéro de compte."
        )
    raise ApplicationError(message, field="iban")


def _bic_check(bic: str, *, required: bool) -> str:
    if not bic:
        if required:
            raise ApplicationError(
                _("Le BIC (ou code SWIFT) est obligatoire : 8 ou 11 caractères, par exemple BNPAFRPP."),
                field="bic",
            )
        return ""
    try:
        return str(BIC(bic))
    except iban_errors.InvalidLength:
        message = _(
            "Le BIC (ou code SWIFT) comporte 8 ou 11 caractères ; « %(value)s » en compte %(count)d."
        ) % {"value": bic, "count": len(bic)}
    except iban_errors.InvalidCountryCode:
        message = _("Le BIC « %(value)s » contient un code pays inconnu (5e et 6e caractères).") % {
            "value": bic
        }
    except iban_errors.SchwiftyException:
        message = _(
            "Le BIC « %(value)s » n'est pas valide : 4 lettres (banque), 2 lettres (pays), 2 caractères "
            "(lieu), puis éventuellement 3 caractères (agence)."
        ) % {"value": bic}
    raise ApplicationError(message, field="bic")


def _rib_check(values: dict) -> str:
    """Check a French RIB and return the IBAN it corresponds to."""
    parts = [
        ("bank_code", r"\d{5}", _("Le code banque comporte 5 chiffres.")),
        ("branch_code", r"\d{5}", _("Le code guichet comporte 5 chiffres.")),
        ("account_number", r"[A-Z0-9]{11}", _("Le numéro de compte comporte 11 lettres ou chiffres.")),
        ("rib_key", r"\d{2}", _("La clé RIB comporte 2 chiffres.")),
    ]
    for field, pattern, message in parts:
        value = values[field]
        if not value:
            raise ApplicationError(
                _("%(rule)s Ce champ est obligatoire pour des coordonnées de type RIB.") % {"rule": message},
                field=field,
            )
        if not re.fullmatch(pattern, value):
            raise ApplicationError(
                _("%(rule)s « %(value)s » en compte %(count)d, saisis sans espace.")
                % {"rule": message, "value": value, "count": len(value)},
                field=field,
            )
    bban = values["bank_code"] + values["branch_code"] + values["account_number"] + values["rib_key"]
    try:
        # The RIB key algorithm (letters of the account number converted to digits, then
        # 97 - (89 × bank + 15 × branch + 3 × account) mod 97) is schwifty's French national checksum.
        return str(IBAN.from_bban(values["country"], bban, validate_bban=True))
    except iban_errors.SchwiftyException:
        raise ApplicationError(
            _(
                "La clé RIB %(key)s ne correspond pas au code banque, au code guichet et au numéro de compte "
                "saisis : vérifiez-les sur votre relevé d'identité bancaire."
            )
            % {"key": values["rib_key"]},
            field="rib_key",
        ) from None


def _factor_check(values: dict) -> None:
    if not any(values[f] for f in FACTOR_FIELDS):
        return
    labels = {
        "factor_name": _("la raison sociale de l'affactureur"),
        "factor_country": _("le pays de l'affactureur"),
        "factor_identifier": _("l'identifiant de l'affactureur"),
        "factor_identifier_type": _("le type d'identifiant de l'affactureur"),
    }
    for field in FACTOR_FIELDS:
        if not values[field]:
            raise ApplicationError(
                _(
                    "En cas d'affacturage, renseignez aussi %(what)s (raison sociale, pays, identifiant et "
                    "type d'identifiant sont obligatoires)."
                )
                % {"what": labels[field]},
                field=field,
            )
    if pycountry.countries.get(alpha_2=values["factor_country"]) is None:
        raise ApplicationError(
            _("Choisissez le pays de l'affactureur dans la liste."), field="factor_country"
        )
    if values["factor_identifier_type"] not in IdentifierType.values:
        raise ApplicationError(
            _("Choisissez le type d'identifiant de l'affactureur dans la liste."),
            field="factor_identifier_type",
        )
    values["factor_identifier"] = identifier_validate(
        values["factor_identifier_type"], values["factor_identifier"], field="factor_identifier"
    )


def _clean(structure: Structure, values: dict, *, exclude_pk: int | None = None) -> dict:
    """Validate and normalise the account fields; the first problem found is raised."""
    values = {name: (values.get(name) or "").strip() for name in ACCOUNT_FIELDS}
    for name in ["country", "iban", "bic", "bank_code", "branch_code", "account_number", "rib_key"]:
        values[name] = _compact(values[name])
    values["factor_country"] = values["factor_country"].upper()
    if not values["name"]:
        raise ApplicationError(
            _(
                "Le nom de coordonnée bancaire est obligatoire : il sert à la choisir lors de l'envoi d'une facture."
            ),
            field="name",
        )
    if len(values["name"]) > 100:
        raise ApplicationError(
            _("Le nom de coordonnée bancaire comporte au plus 100 caractères."), field="name"
        )
    if values["kind"] not in BankAccountKind.values:
        raise ApplicationError(_("Choisissez le type de coordonnées : IBAN ou RIB."), field="kind")
    country = values["country"]
    if values["kind"] == BankAccountKind.IBAN:
        if country not in iban_countries():
            raise ApplicationError(
                _("Choisissez dans la liste le pays de l'IBAN (%(value)s n'a pas de format IBAN connu).")
                % {"value": country or "—"},
                field="country",
            )
        values["iban"] = _iban_check(values["iban"], country)
        values["bic"] = _bic_check(values["bic"], required=True)
        for name in ["bank_code", "branch_code", "account_number", "rib_key"]:
            values[name] = ""
    else:
        if country not in RIB_COUNTRIES:
            raise ApplicationError(
                _(
                    "Le RIB n'existe que pour les comptes tenus en France ou à Monaco ; pour %(country)s, "
                    "choisissez le type IBAN."
                )
                % {"country": country_name(country) if country else "—"},
                field="country",
            )
        values["iban"] = _rib_check(values)
        values["bic"] = _bic_check(values["bic"], required=False)
    _factor_check(values)
    duplicates = BankAccount.objects.filter(structure=structure, status=Status.ACTIVE).exclude(pk=exclude_pk)
    same_name = duplicates.filter(name__iexact=values["name"]).first()
    if same_name is not None:
        raise ApplicationError(
            _("La structure a déjà des coordonnées bancaires nommées « %(name)s » : choisissez un autre nom.")
            % {"name": same_name.name},
            field="name",
        )
    same_account = duplicates.filter(iban=values["iban"]).first()
    if same_account is not None:
        raise ApplicationError(
            _("Ce compte est déjà enregistré dans la structure sous le nom « %(name)s ».")
            % {"name": same_account.name},
            field="iban" if values["kind"] == BankAccountKind.IBAN else "account_number",
        )
    return values


def _display_name(name: str) -> str:
    """The uploaded file's own name, without any path, kept to name the download."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]


def _document_read(data: bytes | IO[bytes] | None, name: str) -> tuple[bytes, str]:
    """The RIB document's bytes and sniffed type, refused unless a PDF or an image under 4 MB."""
    if data is None:
        raise ApplicationError(
            _("Joignez le RIB (pièce jointe obligatoire) : un PDF ou une image de moins de 4 Mo."),
            field="document",
        )
    content = read_capped(data, limit=DOCUMENT_MAX_BYTES)
    if content is None:
        raise ApplicationError(
            _("Le fichier « %(name)s » dépasse 4 Mo : joignez un RIB plus léger (PDF ou image).")
            % {"name": name},
            field="document",
        )
    if not content:
        raise ApplicationError(
            _("Le fichier « %(name)s » est vide : joignez le RIB en PDF ou en image.") % {"name": name},
            field="document",
        )
    content_type = sniff_content_type(content)
    if content_type not in DOCUMENT_TYPES:
        raise ApplicationError(
            _(
                "Le fichier « %(name)s » n'est ni un PDF ni une image (PNG, JPEG, GIF, TIFF) : joignez le RIB "
                "dans l'un de ces formats."
            )
            % {"name": name},
            field="document",
        )
    return content, content_type


@transaction.atomic
def bank_account_create(
    *,
    actor,
    structure: Structure,
    name: str,
    kind: str,
    country: str,
    iban: str = "",
    bic: str = "",
    bank_code: str = "",
    branch_code: str = "",
    account_number: str = "",
    rib_key: str = "",
    factor_name: str = "",
    factor_country: str = "",
    factor_identifier: str = "",
    factor_identifier_type: str = "",
    document_data: bytes | IO[bytes] | None,
    document_name: str,
) -> BankAccount:
    """ORG-4: add bank details to a structure, with the RIB document (mandatory)."""
    require(actor, "manage_bank_accounts", structure)
    values = _clean(
        structure,
        {
            "name": name, "kind": kind, "country": country, "iban": iban, "bic": bic,
            "bank_code": bank_code, "branch_code": branch_code, "account_number": account_number,
            "rib_key": rib_key, "factor_name": factor_name, "factor_country": factor_country,
            "factor_identifier": factor_identifier, "factor_identifier_type": factor_identifier_type,
        },
    )  # fmt: skip
    content, content_type = _document_read(document_data, document_name)
    account = BankAccount(structure=structure, **values)
    account.document = stored_file_put(data=content, content_type=content_type)
    account.document_name = _display_name(document_name)
    account.save()
    audit(
        actor=actor,
        structure=structure,
        action="bank_account.create",
        obj=account,
        after=audit_snapshot(account),
    )
    return account


@transaction.atomic
def bank_account_update(
    *,
    actor,
    account: BankAccount,
    document_data: bytes | IO[bytes] | None = None,
    document_name: str = "",
    **changes: str,
) -> BankAccount:
    """Change bank details; the fields not given keep their value, the document is optional."""
    require(actor, "manage_bank_accounts", account.structure)
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise ApplicationError(
            _("Le champ %(field)s ne peut pas être modifié.") % {"field": field}, field=field
        )
    account = (
        BankAccount.objects.select_for_update(of=("self",)).select_related("structure").get(pk=account.pk)
    )
    before = audit_snapshot(account)
    current = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
    values = _clean(account.structure, {**current, **changes}, exclude_pk=account.pk)
    document = None
    if document_data is not None:
        content, content_type = _document_read(document_data, document_name)
        document = stored_file_put(data=content, content_type=content_type)
    for name, value in values.items():
        setattr(account, name, value)
    if document is not None:
        account.document = document
        account.document_name = _display_name(document_name)
    account.save()
    after = audit_snapshot(account)
    if after != before:
        audit(
            actor=actor,
            structure=account.structure,
            action="bank_account.update",
            obj=account,
            before=before,
            after=after,
        )
    return account


@transaction.atomic
def bank_account_set_status(*, actor, account: BankAccount, status: str) -> BankAccount:
    """Deactivate bank details (no longer offered on invoices) or activate them again."""
    require(actor, "manage_bank_accounts", account.structure)
    if status not in Status.values:
        raise ApplicationError(_("Statut inconnu."), field="status")
    account = (
        BankAccount.objects.select_for_update(of=("self",)).select_related("structure").get(pk=account.pk)
    )
    if account.status == status:
        return account
    if status == Status.ACTIVE:
        # Another active account may have taken its name or number meanwhile.
        _clean(account.structure, {n: getattr(account, n) for n in ACCOUNT_FIELDS}, exclude_pk=account.pk)
    before = {"status": account.status}
    account.status = status
    account.save(update_fields=["status", "updated_at"])
    audit(
        actor=actor,
        structure=account.structure,
        action="bank_account.status",
        obj=account,
        before=before,
        after={"status": status},
    )
    return account

"""Forms of a structure's bank details, attachments and billing mandate (ORG-4..6): input parsing only."""

from __future__ import annotations

import re

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import IdentifierType
from openchorus.portal.forms import PortalForm, form_add_application_error
from openchorus.structures.models import BankAccount, BankAccountKind
from openchorus.structures.services.bank import country_name, iban_countries

_FULL_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]+$")


def _upload_widget(accept: str) -> forms.FileInput:
    """The DSFR upload field (fr-upload-group), which django-dsfr leaves unstyled."""
    widget = forms.FileInput(attrs={"class": "fr-upload", "accept": accept})
    widget.group_class = "fr-upload-group"
    return widget


def _country_choices(codes) -> list[tuple[str, str]]:
    """Countries by name in the active language, France first as most accounts are French."""
    named = sorted(((code, country_name(code)) for code in codes if code != "FR"), key=lambda c: c[1])
    return [("", "—"), ("FR", country_name("FR")), *named]


class BankAccountForm(PortalForm):
    """The real portal's "Créer une coordonnée bancaire" form: the IBAN as country + key + BBAN."""

    name = forms.CharField(label=_("Nom de coordonnée bancaire"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=BankAccountKind.choices,
        widget=forms.RadioSelect,
        initial=BankAccountKind.IBAN,
    )
    country = forms.ChoiceField(label=_("Pays"), initial="FR")
    iban_key = forms.CharField(
        label=_("Clé IBAN"),
        required=False,
        max_length=2,
        help_text=_("2 chiffres, après le code pays."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bban = forms.CharField(
        label=_("Identification nationale du compte bancaire (BBAN)"),
        required=False,
        max_length=40,
        help_text=_(
            "Pour la France, 23 caractères : code banque, code guichet, numéro de compte et clé RIB."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    bic = forms.CharField(
        label=_("BIC ou SWIFT"),
        required=False,
        max_length=15,
        help_text=_("8 ou 11 caractères alphanumériques."),
    )
    bank_code = forms.CharField(
        label=_("Code banque"), required=False, max_length=10, help_text=_("5 chiffres.")
    )
    branch_code = forms.CharField(
        label=_("Code guichet"), required=False, max_length=10, help_text=_("5 chiffres.")
    )
    account_number = forms.CharField(
        label=_("Numéro de compte"), required=False, max_length=15, help_text=_("11 caractères.")
    )
    rib_key = forms.CharField(label=_("Clé RIB"), required=False, max_length=4, help_text=_("2 chiffres."))
    has_factor = forms.BooleanField(
        label=_("Affactureur"),
        required=False,
        help_text=_("Cochez si vos factures sont payées à une société d'affacturage."),
    )
    factor_name = forms.CharField(label=_("Raison sociale de l'affactureur"), required=False, max_length=200)
    factor_country = forms.ChoiceField(label=_("Pays de l'affactureur"), required=False)
    factor_identifier_type = forms.ChoiceField(
        label=_("Type d'identifiant de l'affactureur"),
        required=False,
        choices=[("", "—"), *IdentifierType.choices],
    )
    factor_identifier = forms.CharField(
        label=_("Identifiant de l'affactureur"), required=False, max_length=80
    )
    document = forms.FileField(
        label=_("Pièce jointe"),
        help_text=_("Le RIB, en PDF ou en image (PNG, JPEG, GIF, TIFF), 4 Mo au plus."),
        widget=_upload_widget(".pdf,.png,.jpg,.jpeg,.gif,.tif,.tiff"),
    )

    # Where the service's refusals are shown: the IBAN is typed in two fields.
    ERROR_FIELDS = {"iban": "bban"}

    def __init__(self, *args, document_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices(iban_countries())
        self.fields["factor_country"].choices = _country_choices(c.alpha_2 for c in pycountry.countries)
        self.fields["document"].required = document_required
        if not document_required:
            # django-dsfr builds the bound fields in its __init__: update the bound one too.
            self.fields["document"].help_text = self["document"].help_text = _(
                "Facultatif : joignez un nouveau RIB pour remplacer l'actuel (PDF ou image, 4 Mo au plus)."
            )

    @classmethod
    def initial_for(cls, account: BankAccount) -> dict:
        initial = {name: getattr(account, name) for name in ["name", "kind", "country", "bic", "bank_code",
                   "branch_code", "account_number", "rib_key", "factor_name", "factor_country",
                   "factor_identifier", "factor_identifier_type"]}  # fmt: skip
        if account.kind == BankAccountKind.IBAN:
            initial.update(iban_key=account.iban[2:4], bban=account.iban[4:])
        initial["has_factor"] = account.has_factor
        return initial

    def service_values(self) -> dict:
        """The service's keyword arguments; the IBAN is rebuilt from country, key and BBAN."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in [
                "name",
                "kind",
                "country",
                "bic",
                "bank_code",
                "branch_code",
                "account_number",
                "rib_key",
            ]
        }
        bban = re.sub(r"[\s.\-]+", "", data["bban"]).upper()
        key = data["iban_key"].strip()
        # People often paste the whole IBAN into the BBAN field: take it as it is.
        values["iban"] = bban if (not key and _FULL_IBAN.match(bban)) else f"{data['country']}{key}{bban}"
        if data["kind"] != BankAccountKind.IBAN or not (bban or key):
            values["iban"] = ""
        factor = ["factor_name", "factor_country", "factor_identifier", "factor_identifier_type"]
        for name in factor:
            values[name] = data[name] if data["has_factor"] else ""
        return values

    def add_application_error(self, error: ApplicationError) -> None:
        if error.field == "iban" and error.extra.get("part") == "key":
            self.add_error("iban_key", str(error.message))
        elif error.field in self.ERROR_FIELDS:
            self.add_error(self.ERROR_FIELDS[error.field], str(error.message))
        else:
            form_add_application_error(self, error)

    def clean(self):
        data = super().clean()
        if data.get("has_factor") and not any(
            data.get(name)
            for name in ["factor_name", "factor_country", "factor_identifier", "factor_identifier_type"]
        ):
            self.add_error(
                "factor_name",
                _(
                    "Renseignez l'affactureur (raison sociale, pays, identifiant et type) ou décochez la case."
                ),
            )
        return data


class AttachmentForm(PortalForm):
    file = forms.FileField(
        label=_("Pièce jointe"),
        help_text=_(
            "4 Mo au plus. PDF, images, documents bureautiques (Word, Excel, PowerPoint, OpenDocument), "
            "XML, texte ou archive ZIP."
        ),
        widget=_upload_widget(
            ".pdf,.png,.jpg,.jpeg,.gif,.tif,.tiff,.docx,.xlsx,.pptx,.odt,.ods,.odp,.xml,.txt,.csv,.zip"
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=255,
        help_text=_("Par exemple : attestation d'assurance 2026, extrait Kbis."),
    )

    def add_application_error(self, error: ApplicationError) -> None:
        form_add_application_error(self, error)


class MandateForm(PortalForm):
    signatory_name = forms.CharField(label=_("Nom et prénom du signataire"), max_length=200)
    signatory_capacity = forms.CharField(
        label=_("Qualité du signataire"),
        max_length=200,
        help_text=_("Par exemple : gérant, président, directeur administratif et financier."),
    )
    accept = forms.BooleanField(
        label=_("J'ai lu les termes du mandat et je suis habilité(e) à engager la structure."),
        error_messages={"required": _("Cochez la case pour souscrire le mandat.")},
    )

    def add_application_error(self, error: ApplicationError) -> None:
        form_add_application_error(self, error)

"""Forms of "Saisir une facture" (INV-2, INV-6): input parsing only; the rules are the services'.

A draft is saved whatever it holds, so almost nothing is required here: the checks (INV-5, BYD-1)
say what is missing, beside the field, when the user verifies or sends. The line formset uses the
prefix "lines" so that a finding on "lines-<i>-<field>" lands on the right cell.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.invoices import totals
from openchorus.invoices.enums import BillingFrame, InvoiceType, VatCategory
from openchorus.invoices.services import ROUTING_FIELDS
from openchorus.portal.forms import PortalForm

LINES_PREFIX = "lines"

# UN/ECE rec. 20 codes most used on invoices to public buyers (BT-130).
UNIT_CHOICES = [
    ("C62", _("Unité")),
    ("H87", _("Pièce")),
    ("HUR", _("Heure")),
    ("DAY", _("Jour")),
    ("MON", _("Mois")),
    ("KGM", _("Kilogramme")),
    ("LTR", _("Litre")),
    ("MTR", _("Mètre")),
    ("MTK", _("Mètre carré")),
    ("LS", _("Forfait")),
]
# French VAT rates (CGI art. 278 to 281 nonies); 0 goes with the exemption categories.
VAT_RATE_CHOICES = [
    ("20", "20 %"),
    ("10", "10 %"),
    ("5.5", "5,5 %"),
    ("2.1", "2,1 %"),
    ("8.5", "8,5 % (DOM)"),
    ("0", "0 %"),
]
CURRENCY_CHOICES = [("EUR", _("Euro (EUR)")), ("USD", _("Dollar américain (USD)")), ("GBP", _("Livre sterling (GBP)")), ("CHF", _("Franc suisse (CHF)"))]  # fmt: skip


class AmountField(forms.CharField):
    """A Decimal typed the French way ("1 234,50" as well as "1234.50"); empty gives None."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "decimal",
            "autocomplete": "off",
            "maxlength": "30",
        }

    def to_python(self, value):
        text = super().to_python(value)[:60]
        if not text:
            return None
        number = totals.decimal_or_none(text)
        if number is None:
            raise forms.ValidationError(_("Saisissez un nombre, par exemple 1234,50."), code="invalid")
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            # 12.0000 → "12", 18.500000 → "18,50": what a person would have typed.
            text = format(value.normalize(), "f")
            if "." in text and len(text.split(".")[1]) < 2:
                text = format(value.quantize(Decimal("0.01")), "f")
            return text.replace(".", ",")
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StructureChoiceForm(PortalForm):
    """Which structure the invoice is sent for, when the user may send for several."""

    structure = forms.TypedChoiceField(label=_("Structure émettrice"), coerce=int)

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = [(s.pk, f"{s.designation} ({s.identifier})") for s in structures]


class InvoiceEntryForm(PortalForm):
    """The header of the real portal's "Saisir une facture" form (seed 001, section 4)."""

    supplier_service = forms.TypedChoiceField(
        label=_("Service émetteur"), required=False, coerce=int, empty_value=None
    )
    recipient_identifier = forms.CharField(
        label=_("SIRET du destinataire"),
        required=False,
        max_length=80,
        help_text=_("14 chiffres : l'identifiant de la structure publique que vous facturez."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    service_code = forms.CharField(
        label=_("Code service"),
        required=False,
        max_length=100,
        help_text=_("Le service destinataire au sein de la structure publique, s'il est exigé."),
        widget=forms.Select,
    )
    engagement_number = forms.CharField(
        label=_("Numéro d'engagement"),
        required=False,
        max_length=50,
        help_text=_("Le numéro du bon de commande ou de l'engagement juridique (EJ) donné par votre client."),
    )
    billing_frame = forms.ChoiceField(
        label=_("Cadre de facturation"), choices=BillingFrame.choices, initial=BillingFrame.A1
    )
    type_code = forms.ChoiceField(
        label=_("Type de facture"), choices=InvoiceType.choices, initial=InvoiceType.INVOICE
    )
    number = forms.CharField(label=_("Numéro de facture"), required=False, max_length=40)
    issue_date = forms.DateField(label=_("Date de facture"), required=False, widget=DateInput)
    delivery_date = forms.DateField(label=_("Date de livraison"), required=False, widget=DateInput)
    due_date = forms.DateField(label=_("Date d'échéance"), required=False, widget=DateInput)
    currency = forms.ChoiceField(label=_("Devise"), choices=CURRENCY_CHOICES, initial="EUR")
    contract_reference = forms.CharField(label=_("Numéro de marché"), required=False, max_length=50)
    preceding_invoice_number = forms.CharField(
        label=_("Numéro de la facture d'origine"),
        required=False,
        max_length=40,
        help_text=_("Pour un avoir : le numéro de la facture qu'il corrige."),
    )
    payment_terms = forms.CharField(
        label=_("Conditions de paiement"),
        required=False,
        max_length=500,
        help_text=_("Par exemple : paiement à 30 jours par virement, pénalités de retard au taux légal."),
    )
    bank_account = forms.TypedChoiceField(
        label=_("Coordonnées bancaires"), required=False, coerce=int, empty_value=None
    )
    exemption_reason = forms.CharField(
        label=_("Motif d'exonération de TVA"),
        required=False,
        max_length=300,
        help_text=_(
            "Obligatoire pour les lignes exonérées, autoliquidées ou hors champ (ex. : article 261 du CGI)."
        ),
    )
    note = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    SERVICE_FIELDS = (
        "recipient_identifier", "service_code", "engagement_number", "billing_frame", "contract_reference",
        "number", "issue_date", "type_code", "currency", "preceding_invoice_number", "delivery_date",
        "due_date", "payment_terms", "note",
    )  # fmt: skip

    def __init__(
        self,
        *args,
        supplier_services=(),
        service_required: bool = False,
        bank_accounts=(),
        recipient_services=(),
        structured: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        services = self.fields["supplier_service"]
        services.choices = ([] if service_required else [("", _("Toute la structure"))]) + [
            (s.pk, f"{s.code} — {s.label}") for s in supplier_services
        ]
        services.required = service_required
        self.fields["bank_account"].choices = [("", _("Aucune (paiement sans virement)"))] + [
            (a.pk, f"{a.name} — {a.iban or a.bank_code}") for a in bank_accounts
        ]
        self.set_recipient_services(recipient_services)
        self.structured = structured
        if structured:
            for name, field in self.fields.items():
                if name not in ROUTING_FIELDS:
                    field.disabled = True

    def set_recipient_services(self, services) -> None:
        """The service select's options: the recipient's active services, and the current value."""
        current = (self.data.get("service_code") if self.is_bound else self.initial.get("service_code")) or ""
        choices = [("", _("— Aucun code service —"))]
        for service in services:
            flag = _(" (engagement obligatoire)") if service.engagement_required else ""
            choices.append((service.code, f"{service.code} — {service.label}{flag}"))
        if current and current not in {c[0] for c in choices}:
            choices.append((current, current))
        self.fields["service_code"].widget.choices = choices

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in self.SERVICE_FIELDS if name in data}
        for name in ("recipient_identifier", "service_code", "engagement_number", "number"):
            if name in values:
                values[name] = (values[name] or "").strip()
        if "recipient_identifier" in values:
            values["recipient_identifier"] = values["recipient_identifier"].replace(" ", "")
        return values


class InvoiceLineForm(PortalForm):
    """One line (BG-25): the amount excl. VAT after discount is computed, never typed (INV-3)."""

    item_name = forms.CharField(label=_("Désignation"), required=False, max_length=300)
    quantity = AmountField(label=_("Quantité"))
    unit_code = forms.ChoiceField(label=_("Unité"), choices=UNIT_CHOICES, initial="C62", required=False)
    unit_price = AmountField(label=_("Prix unitaire HT"))
    discount = AmountField(label=_("Remise HT"))
    vat_category = forms.ChoiceField(
        label=_("Catégorie de TVA"), choices=VatCategory.choices, initial=VatCategory.STANDARD, required=False
    )
    vat_rate = forms.ChoiceField(
        label=_("Taux de TVA"), choices=VAT_RATE_CHOICES, initial="20", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # The row is a table: each cell's input says its column to screen readers.
            field.widget.attrs["aria-label"] = field.label
        # A rate read from a deposited file may be one the list does not offer: keep it selectable.
        key = self.add_prefix("vat_rate")
        current = self.data.get(key) if self.is_bound else self.initial.get("vat_rate")
        field = self.fields["vat_rate"]
        if current not in (None, "") and str(current) not in {c[0] for c in field.choices}:
            field.choices = [*field.choices, (str(current), f"{current} %")]

    def clean_vat_rate(self):
        rate = self.cleaned_data.get("vat_rate")
        if rate and totals.decimal_or_none(rate) is None:
            raise forms.ValidationError(_("Choisissez un taux de TVA."), code="invalid")
        return str(totals.decimal_or_none(rate)) if rate else ""

    # The defaults of a blank row do not make it "changed": an untouched row is simply ignored.
    def has_changed(self) -> bool:
        return any(
            self.data.get(self.add_prefix(n), "").strip() for n in ("item_name", "quantity", "unit_price")
        )

    def service_values(self) -> dict:
        data = self.cleaned_data
        rate = data.get("vat_rate")
        return {
            "item_name": data.get("item_name", "").strip(),
            "quantity": data.get("quantity"),
            "unit_code": data.get("unit_code") or "C62",
            "unit_price": data.get("unit_price"),
            "discount": data.get("discount") or Decimal(0),
            "vat_category": data.get("vat_category") or VatCategory.STANDARD,
            "vat_rate": Decimal(rate) if rate not in (None, "") else None,
        }


class BaseLineFormSet(forms.BaseFormSet):
    def service_values(self) -> list[dict]:
        """The kept lines, in order: neither blank nor marked for removal."""
        return [
            form.service_values()
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]


LineFormSet = forms.formset_factory(
    InvoiceLineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=2000, absolute_max=2000
)


def line_initial(line) -> dict:
    """The formset initial values of a saved line."""
    rate = "" if line.vat_rate is None else format(line.vat_rate.normalize(), "f")
    return {
        "item_name": line.item_name,
        "quantity": line.quantity.normalize() if line.quantity is not None else None,
        "unit_code": line.unit_code,
        "unit_price": line.unit_price.normalize() if line.unit_price is not None else None,
        "discount": line.discount if line.discount else None,
        "vat_category": line.vat_category,
        "vat_rate": rate,
    }


class InvoiceAttachmentForm(PortalForm):
    """Add a supporting document: a file uploaded, or one of the structure's attachments (ORG-5)."""

    file = forms.FileField(
        label=_("Fichier"),
        required=False,
        help_text=_("4 Mo au plus : PDF, image, document bureautique, XML, texte ou archive ZIP."),
        widget=forms.FileInput(attrs={"class": "fr-upload"}),
    )
    structure_attachment = forms.TypedChoiceField(
        label=_("Ou une pièce jointe de la structure"), required=False, coerce=int, empty_value=None
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=255)

    def __init__(self, *args, structure_attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure_attachment"].choices = [("", "—")] + [
            (a.pk, f"{a.filename}{' — ' + a.description if a.description else ''}")
            for a in structure_attachments
        ]

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("structure_attachment"):
            raise forms.ValidationError(
                _("Choisissez un fichier sur votre poste ou une pièce jointe de la structure.")
            )
        return data

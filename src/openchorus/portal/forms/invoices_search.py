"""The search engine of "Factures émises" (INV-7): criteria parsing only, into SearchCriteria."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.invoices.enums import BillingFrame
from openchorus.invoices.selectors import DEFAULT_SORT, SearchCriteria
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.portal.forms import PortalForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SORT_CHOICES = [
    ("-depot", _("Date de dépôt (la plus récente d'abord)")),
    ("depot", _("Date de dépôt (la plus ancienne d'abord)")),
    ("-date", _("Date de facture (la plus récente d'abord)")),
    ("date", _("Date de facture (la plus ancienne d'abord)")),
]
# Criteria kept in the page's links but not shown as fields (set from the dashboard's cells).
HIDDEN_CRITERIA = ("supplier_service_id", "billing_frame", "created_by_id")


class InvoiceSearchForm(PortalForm):
    number = forms.CharField(label=_("Numéro de facture"), max_length=40, required=False)
    recipient = forms.CharField(
        label=_("Destinataire"),
        help_text=_("SIRET (ou son début) ou nom de la structure publique"),
        max_length=200,
        required=False,
    )
    service_code = forms.CharField(label=_("Code service du destinataire"), max_length=100, required=False)
    engagement_number = forms.CharField(label=_("Numéro d'engagement"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False)
    supplier_id = forms.TypedChoiceField(label=_("Structure"), coerce=int, empty_value=None, required=False)
    issue_date_from = forms.DateField(label=_("Date de facture du"), widget=DATE_WIDGET, required=False)
    issue_date_to = forms.DateField(label=_("au"), widget=DATE_WIDGET, required=False)
    deposit_date_from = forms.DateField(label=_("Date de dépôt du"), widget=DATE_WIDGET, required=False)
    deposit_date_to = forms.DateField(label=_("au"), widget=DATE_WIDGET, required=False)
    amount_min = forms.DecimalField(
        label=_("Montant TTC minimum"), max_digits=19, decimal_places=2, min_value=0, required=False
    )
    amount_max = forms.DecimalField(
        label=_("Montant TTC maximum"), max_digits=19, decimal_places=2, min_value=0, required=False
    )
    sort = forms.ChoiceField(label=_("Trier par"), choices=SORT_CHOICES, required=False)
    supplier_service_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    billing_frame = forms.ChoiceField(
        choices=[("", ""), *BillingFrame.choices], widget=forms.HiddenInput, required=False
    )
    created_by_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, suppliers=(), statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = statuses if statuses is not None else list(InvoiceStatus)
        self.fields["status"].choices = [("", _("Tous les statuts")), *((s.value, s.label) for s in statuses)]
        self.fields["supplier_id"].choices = [("", _("Toutes mes structures"))] + [
            (structure.pk, f"{structure.legal_name} ({structure.identifier})") for structure in suppliers
        ]
        if len(self.fields["supplier_id"].choices) <= 2:
            self.fields["supplier_id"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        for low, high, message in (
            ("issue_date_from", "issue_date_to", _("La date de fin précède la date de début.")),
            ("deposit_date_from", "deposit_date_to", _("La date de fin précède la date de début.")),
            ("amount_min", "amount_max", _("Le montant maximum est inférieur au montant minimum.")),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[high] < data[low]:
                self.add_error(high, message)
        return data

    def criteria(self) -> SearchCriteria:
        """The criteria of a valid form (call is_valid() first)."""
        data = dict(self.cleaned_data)
        data["sort"] = data.get("sort") or DEFAULT_SORT
        return SearchCriteria.from_dict(data)

    @property
    def has_criteria(self) -> bool:
        return any(v not in (None, "") for k, v in self.cleaned_data.items() if k != "sort")

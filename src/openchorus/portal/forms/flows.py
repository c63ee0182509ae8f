"""The search engine of "Suivi des flux" (RAC-3): criteria parsing only, into FlowCriteria."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.flows.enums import FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.flows.selectors import FlowCriteria
from openchorus.portal.forms import PortalForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FlowSearchForm(PortalForm):
    number = forms.CharField(label=_("Numéro de flux"), max_length=30, required=False)
    filename = forms.CharField(label=_("Nom du fichier"), max_length=255, required=False)
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous les états")), *FlowStatus.choices], required=False
    )
    syntax = forms.ChoiceField(
        label=_("Syntaxe"), choices=[("", _("Toutes les syntaxes")), *FlowSyntax.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Canal"), choices=[("", _("Tous les canaux")), *FlowChannel.choices], required=False
    )
    deposit_date_from = forms.DateField(label=_("Date de dépôt du"), widget=DATE_WIDGET, required=False)
    deposit_date_to = forms.DateField(label=_("au"), widget=DATE_WIDGET, required=False)

    def clean(self):
        data = super().clean()
        low, high = data.get("deposit_date_from"), data.get("deposit_date_to")
        if low and high and high < low:
            self.add_error("deposit_date_to", _("La date de fin précède la date de début."))
        return data

    def criteria(self) -> FlowCriteria:
        """The criteria of a valid form (call is_valid() first)."""
        return FlowCriteria(
            **{name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        )


OUTCOME_FILTERS = [
    ("", _("Toutes")),
    (ItemOutcome.INTEGRATED, _("Intégrées")),
    (ItemOutcome.REJECTED, _("Rejetées")),
]

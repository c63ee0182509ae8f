"""Forms of "Factures reçues" (LIF-2) and of the supplier's answers (LIF-3..5): input parsing only;
the lifecycle and invoices services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.invoices.selectors import DEFAULT_SORT, RECEIVED_STATUSES, ReceivedSearchCriteria
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import MOTIFS, transition_for
from openchorus.portal.forms import PortalForm
from openchorus.portal.forms.invoices_search import DATE_WIDGET, SORT_CHOICES

# Criteria kept in the page's links but not shown as fields (set from the dashboard's cells).
RECEIVED_HIDDEN_CRITERIA = ("supplier_id",)


class ReceivedSearchForm(PortalForm):
    number = forms.CharField(label=_("Numéro de facture"), max_length=40, required=False)
    supplier = forms.CharField(
        label=_("Fournisseur"),
        help_text=_("SIRET (ou son début) ou nom du fournisseur"),
        max_length=200,
        required=False,
    )
    engagement_number = forms.CharField(label=_("Numéro d'engagement"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False)
    recipient_service_id = forms.TypedChoiceField(
        label=_("Service destinataire"), coerce=int, empty_value=None, required=False
    )
    recipient_id = forms.TypedChoiceField(label=_("Structure"), coerce=int, empty_value=None, required=False)
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
    supplier_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, structures=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Tous les statuts")),
            *((s.value, s.label) for s in RECEIVED_STATUSES),
        ]
        several = len({service.structure_id for service in services}) > 1
        self.fields["recipient_service_id"].choices = [("", _("Tous les services"))] + [
            (s.pk, f"{s.code} — {s.label}" + (f" ({s.structure.legal_name})" if several else ""))
            for s in services
        ]
        self.fields["recipient_id"].choices = [("", _("Toutes mes structures"))] + [
            (structure.pk, f"{structure.legal_name} ({structure.identifier})") for structure in structures
        ]
        if len(self.fields["recipient_id"].choices) <= 2:
            self.fields["recipient_id"].widget = forms.HiddenInput()

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

    def criteria(self) -> ReceivedSearchCriteria:
        """The criteria of a valid form (call is_valid() first)."""
        data = dict(self.cleaned_data)
        data["sort"] = data.get("sort") or DEFAULT_SORT
        return ReceivedSearchCriteria.from_dict(data)


def motif_choices(status: str) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in MOTIFS.get(InvoiceStatus(status), ())]


class ProcessForm(PortalForm):
    """ "Traiter": the new status among those the lifecycle offers, its motif and a comment."""

    target = forms.ChoiceField(label=_("Nouveau statut"))
    motif = forms.ChoiceField(
        label=_("Motif"),
        required=False,
        help_text=_("Pour un renvoi au fournisseur (à recycler, suspendue, rejetée)."),
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Transmis au fournisseur ; obligatoire pour un renvoi."),
    )

    def __init__(self, *args, invoice, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        # Any status is accepted here so that the lifecycle itself says why a move is impossible
        # (a stale page, a forged request); the menu offers only what the lifecycle allows.
        self.fields["target"].choices = [("", _("Choisir un statut")), *InvoiceStatus.choices]
        self.fields["target"].widget.choices = [("", _("Choisir un statut"))] + [
            (s.value, s.label) for s in choices
        ]
        motifs: dict[str, str] = {}
        for status in choices:
            motifs.update(motif_choices(status))
        self.fields["motif"].choices = [("", _("Choisir un motif")), *motifs.items()]
        # Which motifs go with which status, for the page's script (hides the others).
        self.motifs_by_status = {s.value: [code for code, _ in motif_choices(s)] for s in choices}

    def clean(self):
        data = super().clean()
        target, motif, comment = data.get("target"), data.get("motif", ""), data.get("comment", "")
        if not target:
            return data
        rule = transition_for(self.invoice.status, target)
        if rule is None:
            return data  # impossible: the lifecycle's refusal names both statuses
        allowed = [code for code, _ in motif_choices(target)]
        if motif and motif not in allowed:
            self.add_error("motif", _("Ce motif ne correspond pas au statut choisi."))
        elif rule.motif_required and not motif:
            self.add_error(
                "motif",
                _("Choisissez le motif du statut « %(status)s ».") % {"status": InvoiceStatus(target).label},
            )
        if rule.comment_required and not comment.strip():
            self.add_error(
                "comment",
                _(
                    "Un commentaire est obligatoire pour le statut « %(status)s » : "
                    "expliquez au fournisseur ce qu'il doit faire."
                )
                % {"status": InvoiceStatus(target).label},
            )
        return data


class ForwardForm(PortalForm):
    """ "Transmettre à un autre service" of the same recipient structure (LIF-3)."""

    service = forms.TypedChoiceField(label=_("Service destinataire"), coerce=int, empty_value=None)
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {service.pk: service for service in services}
        self.fields["service"].choices = [("", _("Choisir un service"))] + [
            (service.pk, f"{service.code} — {service.label}") for service in services
        ]

    def clean_service(self):
        return self.services[self.cleaned_data["service"]]


class RecycleForm(PortalForm):
    """A recycler (LIF-3): only the recipient's SIRET, its service code and the engagement change."""

    recipient_identifier = forms.CharField(label=_("SIRET du destinataire"), max_length=80)
    service_code = forms.CharField(label=_("Code service"), max_length=100, required=False)
    engagement_number = forms.CharField(label=_("Numéro d'engagement"), max_length=50, required=False)

    def clean_recipient_identifier(self):
        return "".join(self.cleaned_data["recipient_identifier"].split())


class CopyForm(PortalForm):
    """From a rejected invoice, a new draft with the same data under a new number (LIF-5)."""

    number = forms.CharField(
        label=_("Numéro de la nouvelle facture"),
        max_length=40,
        help_text=_(
            "Une facture rejetée ne peut pas être renvoyée : la nouvelle facture porte un autre numéro."
        ),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip()

"""Forms of the organisation pages (ORG-1..13)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.core.identifiers import IdentifierType
from openchorus.portal.forms import PortalForm
from openchorus.structures.enums import Level, MoaPresence, Role, Space, Status, StructureKind
from openchorus.structures.services.rights import GRANTABLE_SPACES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StructureGeneralForm(PortalForm):
    """The "Informations générales" and "Adresse postale" blocks of seed 004's form."""

    legal_name = forms.CharField(label=_("Raison sociale"), max_length=200)
    label = forms.CharField(label=_("Libellé de la structure"), max_length=200, required=False)
    rcs_number = forms.CharField(label=_("Numéro RCS"), max_length=60, required=False)
    vat_number = forms.CharField(label=_("Numéro de TVA intracommunautaire"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("Adresse électronique"),
        required=False,
        help_text=_(
            "Informative : les notifications sont envoyées aux adresses de contact des utilisateurs."
        ),
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    address_line1 = forms.CharField(label=_("Adresse"), max_length=200)
    address_line2 = forms.CharField(label=_("Complément d'adresse 1"), max_length=200, required=False)
    address_line3 = forms.CharField(label=_("Complément d'adresse 2"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=20)
    city = forms.CharField(label=_("Ville"), max_length=100)
    country = forms.CharField(label=_("Pays (code ISO à 2 lettres)"), max_length=2, initial="FR")
    not_disseminated = forms.BooleanField(label=_("Non diffusible INSEE"), required=False)


class StructureCreateForm(StructureGeneralForm):
    identifier_type = forms.ChoiceField(label=_("Type d'identifiant"), choices=IdentifierType.choices)
    identifier = forms.CharField(label=_("Identifiant"), max_length=80)
    kind = forms.ChoiceField(label=_("Type de structure"), choices=StructureKind.choices)
    field_order = ["identifier_type", "identifier", "kind"]


class StructurePublicParametersForm(PortalForm):
    """ "Paramètres structure publique" (ORG-2)."""

    edi_reception = forms.BooleanField(label=_("L'entité peut recevoir des données via EDI"), required=False)
    service_code_required = forms.BooleanField(
        label=_("Le code service doit être renseigné par le fournisseur"), required=False
    )
    engagement_required = forms.BooleanField(
        label=_("Le numéro d'engagement doit être renseigné par le fournisseur"), required=False
    )
    service_or_engagement_required = forms.BooleanField(
        label=_("Le numéro d'engagement ou le code service est obligatoire"), required=False
    )
    payment_status_hidden = forms.BooleanField(
        label=_("Le statut « Mise en paiement » n'est pas remonté au fournisseur"), required=False
    )
    moa_presence = forms.ChoiceField(
        label=_("Présence MOA"), choices=[("", _("— Aucun —")), *MoaPresence.choices], required=False
    )


class StatusForm(PortalForm):
    status = forms.ChoiceField(label=_("Statut"), choices=Status.choices)


class ServiceForm(PortalForm):
    code = forms.CharField(label=_("Code de service"), max_length=100)
    label = forms.CharField(label=_("Libellé du service"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    start_date = forms.DateField(label=_("Date de début d'activation"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("Date de fin d'activation"), widget=DATE_INPUT, required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=Status.choices, initial=Status.ACTIVE)
    engagement_required = forms.BooleanField(
        label=_("Le numéro d'engagement est obligatoire"), required=False
    )


class AttachUserForm(PortalForm):
    email = forms.EmailField(label=_("Adresse électronique de connexion de l'utilisateur"))
    service = forms.ChoiceField(label=_("Niveau de rattachement"), required=False)
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[(Role.USER, Role.USER.label), (Role.SECONDARY_MANAGER, Role.SECONDARY_MANAGER.label)],
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            ("", _("La structure entière")),
            *[(s.pk, f"{s.code} — {s.label}") for s in services],
        ]


class RoleForm(PortalForm):
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[(Role.USER, Role.USER.label), (Role.SECONDARY_MANAGER, Role.SECONDARY_MANAGER.label)],
    )


class TransferForm(PortalForm):
    email = forms.EmailField(
        label=_("Identifiant de connexion du nouveau gestionnaire principal"),
        help_text=_("Il doit être rattaché à la structure. Vous deviendrez utilisateur simple."),
    )


class HabilitationForm(PortalForm):
    user = forms.ChoiceField(label=_("Utilisateur"))
    service = forms.ChoiceField(label=_("Service"), required=False)
    space = forms.ChoiceField(
        label=_("Profil (espace)"), choices=[(s.value, s.label) for s in GRANTABLE_SPACES]
    )
    level = forms.ChoiceField(label=_("Niveau"), choices=Level.choices)

    def __init__(self, *args, members=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *[(u.pk, f"{u.full_name} ({u.email})") for u in members]]
        self.fields["service"].choices = [
            ("", _("Toute la structure")),
            *[(s.pk, f"{s.code} — {s.label}") for s in services],
        ]


class MembershipRequestSearchForm(PortalForm):
    q = forms.CharField(
        label=_("Identifiant, raison sociale ou libellé de la structure"), max_length=200, required=False
    )


class MembershipRequestForm(PortalForm):
    service = forms.ChoiceField(label=_("Niveau de rattachement"), required=False)
    comment = forms.CharField(
        label=_("Commentaire pour expliquer votre demande"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            ("", _("Je souhaite faire un rattachement à la maille structure")),
            *[
                (s.pk, _("Service %(code)s — %(label)s") % {"code": s.code, "label": s.label})
                for s in services
            ],
        ]


class SubscriptionForm(PortalForm):
    structure = forms.ChoiceField(label=_("Structure"))
    space = forms.ChoiceField(label=_("Espace"), choices=[(s.value, s.label) for s in GRANTABLE_SPACES])
    level = forms.ChoiceField(label=_("Profil"), choices=Level.choices, initial=Level.EDIT)
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = [(s.pk, f"{s.identifier} — {s.legal_name}") for s in structures]


class DecisionForm(PortalForm):
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    role = forms.ChoiceField(
        label=_("Rôle accordé"),
        choices=[(Role.USER, Role.USER.label), (Role.SECONDARY_MANAGER, Role.SECONDARY_MANAGER.label)],
        required=False,
    )


class DuplicateRightsForm(PortalForm):
    source = forms.EmailField(label=_("Utilisateur source (modèle) — adresse de connexion"))
    target = forms.EmailField(label=_("Utilisateur cible — adresse de connexion"))


SPACE_CHOICES = [(s.value, s.label) for s in Space]

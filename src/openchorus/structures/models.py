"""Organisation records (ORG-1..13). Rules live in services.py and access.py, not here."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openchorus.core.identifiers import IdentifierType
from openchorus.core.models import StoredFile, TimeStampedModel
from openchorus.structures.enums import Level, MoaPresence, RequestStatus, Role, Space, Status, StructureKind


class Structure(TimeStampedModel):
    identifier_type = models.CharField(_("type d'identifiant"), max_length=20, choices=IdentifierType.choices)
    identifier = models.CharField(_("identifiant"), max_length=80)
    kind = models.CharField(_("type de structure"), max_length=10, choices=StructureKind.choices)
    legal_name = models.CharField(_("raison sociale"), max_length=200)
    label = models.CharField(_("libellé de la structure"), max_length=200, blank=True)
    address_line1 = models.CharField(_("adresse"), max_length=200, blank=True)
    address_line2 = models.CharField(_("complément d'adresse 1"), max_length=200, blank=True)
    address_line3 = models.CharField(_("complément d'adresse 2"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=20, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    email = models.EmailField(_("adresse électronique"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    rcs_number = models.CharField(_("numéro RCS"), max_length=60, blank=True)
    vat_number = models.CharField(_("numéro de TVA intracommunautaire"), max_length=20, blank=True)
    not_disseminated = models.BooleanField(_("non diffusible INSEE"), default=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Public-structure parameters (ORG-2)
    service_code_required = models.BooleanField(
        _("le code service doit être renseigné par le fournisseur"), default=False
    )
    engagement_required = models.BooleanField(
        _("le numéro d'engagement doit être renseigné par le fournisseur"), default=False
    )
    service_or_engagement_required = models.BooleanField(
        _("le numéro d'engagement ou le code service est obligatoire"), default=False
    )
    payment_status_hidden = models.BooleanField(
        _("le statut « Mise en paiement » n'est pas remonté au fournisseur"), default=False
    )
    edi_reception = models.BooleanField(_("l'entité peut recevoir des données via EDI"), default=False)
    moa_presence = models.CharField(_("présence MOA"), max_length=20, choices=MoaPresence.choices, blank=True)
    # Accent- and case-free "legal name label identifier city postcode", for the directory search.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("structure")
        ordering = ["legal_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_type", "identifier"],
                name="structure_identifier_unique",
                violation_error_message=_("Une structure existe déjà avec cet identifiant."),
            )
        ]
        indexes = [models.Index(fields=["identifier"], name="structure_identifier")]

    def __str__(self) -> str:
        return f"{self.identifier} — {self.legal_name}"

    @property
    def is_public(self) -> bool:
        return self.kind == StructureKind.PUBLIC

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def designation(self) -> str:
        return self.label or self.legal_name


class StructureService(TimeStampedModel):
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="services")
    code = models.CharField(_("code du service"), max_length=100)
    label = models.CharField(_("libellé du service"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("date de début d'activation"))
    end_date = models.DateField(_("date de fin d'activation"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    engagement_required = models.BooleanField(_("le numéro d'engagement est obligatoire"), default=False)

    class Meta:
        verbose_name = _("service")
        ordering = ["structure_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "code"],
                name="service_code_unique_in_structure",
                violation_error_message=_("Ce code de service existe déjà dans la structure."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="service_end_after_start",
                violation_error_message=_("La date de fin d'activation doit suivre la date de début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    def is_active_on(self, day: date) -> bool:
        """ACTIF and within its activation dates on that day (the end date is exclusive)."""
        return (
            self.status == Status.ACTIVE
            and self.start_date <= day
            and (self.end_date is None or day < self.end_date)
        )


class Membership(TimeStampedModel):
    """A user's attachment (rattachement) to a structure, or to one service of it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="memberships")
    service = models.ForeignKey(
        StructureService, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rattachement")
        constraints = [
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(role=Role.PRIMARY_MANAGER, is_active=True),
                name="one_primary_manager_per_structure",
                violation_error_message=_("Une structure a un seul gestionnaire principal."),
            ),
            models.UniqueConstraint(
                fields=["user", "structure", "service"],
                condition=Q(is_active=True, service__isnull=False),
                name="one_active_membership_per_service",
            ),
            models.UniqueConstraint(
                fields=["user", "structure"],
                condition=Q(is_active=True, service__isnull=True),
                name="one_active_membership_per_structure",
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self) -> str:
        return f"{self.user} → {self.structure} ({self.get_role_display()})"


class MembershipRequest(TimeStampedModel):
    """A demand to join a structure or one of its services, decided in the managers' inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership_requests"
    )
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="membership_requests")
    service = models.ForeignKey(StructureService, null=True, blank=True, on_delete=models.PROTECT)
    comment = models.TextField(_("commentaire pour expliquer votre demande"))
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure"],
                condition=Q(status=RequestStatus.REQUESTED),
                name="one_pending_membership_request",
                violation_error_message=_(
                    "Une demande de rattachement est déjà en attente pour cette structure."
                ),
            )
        ]


class StructureSpace(models.Model):
    """A space opened on a structure by a manager (ORG-9)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="spaces")
    space = models.CharField(max_length=40, choices=Space.choices)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["structure", "space"], name="space_once_per_structure")
        ]

    def __str__(self) -> str:
        return f"{self.structure_id}:{self.space}"


class SpaceSubscription(TimeStampedModel):
    """A user's request to use a space of a structure, approved by its managers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="space_subscriptions"
    )
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="space_subscriptions")
    space = models.CharField(max_length=40, choices=Space.choices)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.EDIT)
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure", "space"],
                condition=Q(status=RequestStatus.REQUESTED),
                name="one_pending_space_subscription",
                violation_error_message=_("Une demande d'abonnement à cet espace est déjà en attente."),
            )
        ]


class Habilitation(TimeStampedModel):
    """A profile: a user may view or edit a space of a structure, optionally of one service only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="habilitations")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="habilitations")
    service = models.ForeignKey(
        StructureService, null=True, blank=True, on_delete=models.CASCADE, related_name="habilitations"
    )
    space = models.CharField(_("espace"), max_length=40, choices=Space.choices)
    level = models.CharField(_("profil"), max_length=12, choices=Level.choices)

    class Meta:
        ordering = ["structure_id", "service_id", "space"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure", "service", "space"],
                condition=Q(service__isnull=False),
                name="habilitation_unique_service",
                violation_error_message=_("Cette habilitation existe déjà."),
            ),
            models.UniqueConstraint(
                fields=["user", "structure", "space"],
                condition=Q(service__isnull=True),
                name="habilitation_unique_structure",
                violation_error_message=_("Cette habilitation existe déjà."),
            ),
        ]
        indexes = [models.Index(fields=["user", "structure"], name="habilitation_user_structure")]

    def __str__(self) -> str:
        return f"{self.get_space_display()} {self.get_level_display()}"


class BankAccountKind(models.TextChoices):
    IBAN = "IBAN", _("IBAN")
    RIB = "RIB", _("RIB")


class BankAccount(TimeStampedModel):
    """Bank details (coordonnées bancaires, ORG-4), selectable when an invoice is sent."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="bank_accounts")
    name = models.CharField(_("nom de coordonnée bancaire"), max_length=100)
    kind = models.CharField(_("type"), max_length=4, choices=BankAccountKind.choices)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC ou SWIFT"), max_length=11, blank=True)
    bank_code = models.CharField(_("code banque"), max_length=5, blank=True)
    branch_code = models.CharField(_("code guichet"), max_length=5, blank=True)
    account_number = models.CharField(_("numéro de compte"), max_length=11, blank=True)
    rib_key = models.CharField(_("clé RIB"), max_length=2, blank=True)
    factor_name = models.CharField(_("raison sociale de l'affactureur"), max_length=200, blank=True)
    factor_country = models.CharField(_("pays de l'affactureur"), max_length=2, blank=True)
    factor_identifier = models.CharField(_("identifiant de l'affactureur"), max_length=80, blank=True)
    factor_identifier_type = models.CharField(
        _("type d'identifiant de l'affactureur"), max_length=20, choices=IdentifierType.choices, blank=True
    )
    document = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    document_name = models.CharField(_("nom du fichier du RIB"), max_length=255, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("coordonnée bancaire")
        ordering = ["structure_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_factor(self) -> bool:
        return bool(self.factor_name)


class Attachment(TimeStampedModel):
    """A structure's attachment (pièce jointe, ORG-5), reusable on invoices."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(_("nom du fichier"), max_length=255)
    description = models.CharField(_("description"), max_length=255, blank=True)
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("pièce jointe")
        ordering = ["structure_id", "-created_at"]

    def __str__(self) -> str:
        return self.filename


class BillingMandate(TimeStampedModel):
    """The billing mandate (mandat de facturation, ORG-6) a structure subscribes to enter invoices."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="billing_mandates")
    signatory = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signatory_name = models.CharField(_("nom du signataire"), max_length=200)
    signatory_capacity = models.CharField(_("qualité du signataire"), max_length=200)
    document = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mandat de facturation")
        ordering = ["structure_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_mandate_per_structure",
                violation_error_message=_("Cette structure a déjà un mandat de facturation en cours."),
            )
        ]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

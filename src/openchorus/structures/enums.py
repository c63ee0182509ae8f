"""Enumerations of the organisation app: English members, platform codes as values, French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StructureKind(models.TextChoices):
    PUBLIC = "PUBLIQUE", _("Publique")
    PRIVATE = "PRIVEE", _("Privée")


class Status(models.TextChoices):
    ACTIVE = "ACTIF", _("Actif")
    INACTIVE = "INACTIF", _("Inactif")


class MoaPresence(models.TextChoices):
    NONE = "SANS_MOA", _("Structure sans MOA")
    WITH_MOA = "AVEC_MOA", _("Structure avec MOA")
    ONLY_MOA = "EXCLUSIVEMENT_MOA", _("Structure exclusivement MOA")


class Role(models.TextChoices):
    PRIMARY_MANAGER = "GESTIONNAIRE_PRINCIPAL", _("Gestionnaire principal")
    SECONDARY_MANAGER = "GESTIONNAIRE_SECONDAIRE", _("Gestionnaire secondaire")
    USER = "UTILISATEUR", _("Utilisateur simple")


class RequestStatus(models.TextChoices):
    REQUESTED = "DEMANDEE", _("Demandée")
    APPROVED = "APPROUVEE", _("Approuvée")
    REFUSED = "REFUSEE", _("Refusée")
    CANCELLED = "ANNULEE", _("Annulée")


class Level(models.TextChoices):
    VIEW = "CONSULTATION", _("consultation")
    EDIT = "MODIFICATION", _("modification")


class Space(models.TextChoices):
    """The applications (espaces) of SPEC ORG-9. Values are the platform's codes."""

    MANAGER_ACTIVITIES = "ACTIVITES_GESTIONNAIRE", _("Activités du gestionnaire")
    ACCOUNT = "MON_COMPTE", _("Mon compte")
    SENT_INVOICES = "FACTURES_EMISES", _("Factures émises")
    SENT_TICKETS = "SOLLICITATIONS_EMISES", _("Sollicitations émises")
    RECEIVED_INVOICES = "FACTURES_RECUES", _("Factures reçues")
    WORKS_INVOICES = "FACTURES_TRAVAUX", _("Factures de travaux")
    INVOICES_TO_VALIDATE = "FACTURES_A_VALIDER", _("Factures à valider")
    ENGAGEMENTS = "ENGAGEMENTS", _("Engagements")
    FLOW_MONITORING = "SUIVI_FLUX", _("Suivi des flux")
    LEGAL_FEES = "MEMOIRES_FRAIS_JUSTICE", _("Mémoires de frais de justice")
    ENERGY_TAX_REFUND = "REMBOURSEMENT_TIC", _("Remboursement TIC")
    CONNECTIONS = "RACCORDEMENTS", _("Raccordements EDI/API")
    RECEIVED_TICKETS = "SOLLICITATIONS_RECUES", _("Sollicitations reçues")
    ORGANISATION = "ORGANISATION", _("Organisation")


# Spaces every structure has, held by its members without a request (seed 001: "Espaces
# accessibles par défaut"). The others are opened per structure by a manager, then users ask.
DEFAULT_SPACES = frozenset({Space.SENT_INVOICES, Space.SENT_TICKETS})
# Spaces a structure can open or close (ORG-9); ORGANISATION is a profile, not an opened space.
OPENABLE_SPACES = tuple(
    s
    for s in Space
    if s not in {Space.MANAGER_ACTIVITIES, Space.ACCOUNT, Space.ORGANISATION} and s not in DEFAULT_SPACES
)
# Spaces meaningful only for public structures.
PUBLIC_ONLY_SPACES = frozenset({Space.RECEIVED_INVOICES, Space.RECEIVED_TICKETS})

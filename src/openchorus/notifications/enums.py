"""Kinds of events in the connected home's feed; the label is the message shown."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedEventKind(models.TextChoices):
    ACCOUNT_ACTIVATED = "COMPTE_ACTIVE", _("Votre compte a été activé. Bienvenue !")
    PROFILE_UPDATED = "COMPTE_MODIFIE", _("Vos informations personnelles ont été modifiées.")
    PASSWORD_CHANGED = "MOT_DE_PASSE_MODIFIE", _("Votre mot de passe a été modifié.")
    SECRET_CHANGED = "QUESTION_SECRETE_MODIFIEE", _("Votre question secrète a été modifiée.")
    TOTP_ENABLED = "DOUBLE_AUTHENTIFICATION_ACTIVEE", _("La double authentification a été activée.")
    TOTP_DISABLED = "DOUBLE_AUTHENTIFICATION_DESACTIVEE", _("La double authentification a été désactivée.")
    STRUCTURE_CREATED = (
        "STRUCTURE_CREEE",
        _("Vous avez créé la structure %(structure)s et en êtes le gestionnaire principal."),
    )
    MEMBERSHIP_REQUESTED = (
        "RATTACHEMENT_DEMANDE",
        _("Demande de rattachement à %(structure)s envoyée à ses gestionnaires."),
    )
    MEMBERSHIP_APPROVED = (
        "RATTACHEMENT_APPROUVE",
        _("Votre demande de rattachement à %(structure)s a été approuvée."),
    )
    MEMBERSHIP_REFUSED = (
        "RATTACHEMENT_REFUSE",
        _("Votre demande de rattachement à %(structure)s a été refusée."),
    )
    MEMBERSHIP_ADDED = "RATTACHEMENT_AJOUTE", _("Vous avez été rattaché(e) à %(structure)s.")
    APPROVAL_PENDING = (
        "APPROBATION_EN_ATTENTE",
        _("Nouvelle demande à traiter pour %(structure)s dans « Approbations »."),
    )
    SUBSCRIPTION_APPROVED = (
        "ABONNEMENT_APPROUVE",
        _("Votre abonnement à l'espace %(space)s de %(structure)s a été approuvé."),
    )
    SUBSCRIPTION_REFUSED = (
        "ABONNEMENT_REFUSE",
        _("Votre abonnement à l'espace %(space)s de %(structure)s a été refusé."),
    )
    PRIMARY_ROLE_RECEIVED = "ROLE_GP_RECU", _("Vous êtes désormais gestionnaire principal de %(structure)s.")
    ROLE_CHANGED = "ROLE_MODIFIE", _("Votre rôle sur %(structure)s est désormais : %(role)s.")
    INVOICE_AVAILABLE = (
        "FACTURE_MISE_A_DISPOSITION",
        _("Votre facture %(number)s a été mise à disposition de %(recipient)s."),
    )
    INVOICE_STATUS = (
        "FACTURE_STATUT",
        _("Votre facture %(number)s adressée à %(recipient)s est au statut « %(status)s »."),
    )
    INVOICE_TO_PROCESS = (
        "FACTURE_A_TRAITER",
        _("Nouvelle facture %(number)s de %(supplier)s à traiter dans « Factures reçues »."),
    )
    INVOICES_TO_PROCESS = (
        "FACTURES_A_TRAITER",
        _("%(count)s nouvelles factures de %(supplier)s à traiter dans « Factures reçues » (flux %(flow)s)."),
    )
    FLOW_CONCLUDED = (
        "FLUX_TRAITE",
        _(
            "Flux %(number)s (%(filename)s) traité : %(status)s, %(integrated)s facture(s) intégrée(s), "
            "%(rejected)s rejetée(s)."
        ),
    )

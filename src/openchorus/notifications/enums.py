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

"""Enumerations of the accounts app: English members, platform codes as values, French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountStatus(models.TextChoices):
    PENDING = "EN_ATTENTE_ACTIVATION", _("En attente d'activation")
    ACTIVE = "ACTIF", _("Actif")
    DEACTIVATED = "INACTIF", _("Désactivé")


class Language(models.TextChoices):
    FRENCH = "fr", _("Français")
    ENGLISH = "en", _("English")


class SecretQuestion(models.TextChoices):
    MOTHER_MAIDEN_NAME = "NOM_JEUNE_FILLE_MERE", _("Quel est le nom de jeune fille de votre mère ?")
    FIRST_PET = "PREMIER_ANIMAL", _("Quel est le nom de votre premier animal de compagnie ?")
    BIRTH_CITY = "VILLE_NAISSANCE", _("Dans quelle ville êtes-vous né(e) ?")
    PRIMARY_SCHOOL = "ECOLE_PRIMAIRE", _("Comment s'appelait votre école primaire ?")
    CHILDHOOD_FRIEND = "AMI_ENFANCE", _("Quel est le prénom de votre meilleur(e) ami(e) d'enfance ?")
    FIRST_CAR = "PREMIERE_VOITURE", _("Quelle était la marque de votre première voiture ?")

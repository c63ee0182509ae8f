"""Forms of "Mon compte" (ACC-6)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.accounts.enums import Language, SecretQuestion
from openchorus.portal.forms import PortalForm
from openchorus.portal.forms.accounts import ActivationForm


class ProfileForm(PortalForm):
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    contact_email = forms.EmailField(
        label=_("Adresse électronique de contact"),
        required=False,
        help_text=_(
            "Les notifications y sont envoyées ; si elle est vide, l'adresse de connexion est utilisée."
        ),
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    mobile_phone = forms.CharField(label=_("Téléphone portable"), max_length=30, required=False)
    language = forms.ChoiceField(label=_("Langue"), choices=Language.choices)
    activity_notifications = forms.BooleanField(
        label=_("Recevoir les notifications périodiques d'activité par e-mail"), required=False
    )


def _current_password_field():
    return forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(PortalForm):
    current_password = _current_password_field()
    password = ActivationForm.base_fields["password"]
    password_confirmation = ActivationForm.base_fields["password_confirmation"]


class SecretChangeForm(PortalForm):
    current_password = _current_password_field()
    secret_question = forms.ChoiceField(
        label=_("Nouvelle question secrète"), choices=[("", "—"), *SecretQuestion.choices]
    )
    secret_answer = forms.CharField(label=_("Réponse"), max_length=100)


class CurrentPasswordForm(PortalForm):
    current_password = _current_password_field()


class TotpConfirmForm(PortalForm):
    token = forms.CharField(
        label=_("Code affiché par l'application"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

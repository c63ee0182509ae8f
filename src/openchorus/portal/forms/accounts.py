"""Forms of sign-up, activation, login and recovery (ACC-1..5)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.accounts.enums import SecretQuestion
from openchorus.core.identifiers import IdentifierType
from openchorus.portal.forms import PortalForm


class LoginForm(PortalForm):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(PortalForm):
    token = forms.CharField(
        label=_("Code de vérification"),
        help_text=_("Le code à 6 chiffres affiché par votre application d'authentification."),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignUpStartForm(PortalForm):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    siret = forms.CharField(
        label=_("Numéro de SIRET"),
        max_length=20,
        help_text=_("14 chiffres, sans espace."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class SignUpForm(PortalForm):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        help_text=_("Elle servira d'identifiant ; le lien d'activation y sera envoyé."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    identifier_type = forms.ChoiceField(
        label=_("Type d'identifiant de la structure"), choices=IdentifierType.choices
    )
    identifier = forms.CharField(label=_("Identifiant de la structure"), max_length=80)
    last_name = forms.CharField(
        label=_("Nom"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    first_name = forms.CharField(
        label=_("Prénom"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    terms = forms.BooleanField(
        label=_("J'ai lu et j'accepte les conditions générales d'utilisation"),
        error_messages={"required": _("Vous devez accepter les conditions générales d'utilisation.")},
    )


class ActivationForm(PortalForm):
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=_(
            "12 caractères au moins, dont trois types parmi minuscules, majuscules, chiffres, "
            "caractères spéciaux."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    secret_question = forms.ChoiceField(
        label=_("Question secrète"), choices=[("", "—"), *SecretQuestion.choices]
    )
    secret_answer = forms.CharField(
        label=_("Réponse à la question secrète"),
        max_length=100,
        help_text=_(
            "Elle vous sera demandée si vous oubliez votre mot de passe (majuscules et accents indifférents)."
        ),
    )


class EmailOnlyForm(PortalForm):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PasswordResetForm(PortalForm):
    secret_answer = forms.CharField(label=_("Réponse à votre question secrète"), max_length=100)
    password = forms.CharField(
        label=_("Nouveau mot de passe"),
        strip=False,
        help_text=ActivationForm.base_fields["password"].help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

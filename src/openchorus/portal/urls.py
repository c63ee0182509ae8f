"""Portal URLs, French paths as the real portal's."""

from django.urls import include, path

from openchorus.portal.views import account, accounts, dashboard, public

app_name = "portal"

urlpatterns = [
    path("", public.home, name="home"),
    path("aide/", public.help_page, name="help"),
    path("mentions-legales/", public.legal_notice, name="legal"),
    path("accessibilite/", public.accessibility, name="accessibility"),
    path("langue/", public.language_set, name="language"),
    # Accounts (ACC-1..5)
    path("inscription/debut/", accounts.signup_start, name="signup_start"),
    path("inscription/", accounts.signup, name="signup"),
    path("activation/renvoyer/", accounts.activation_resend, name="activation_resend"),
    path("activation/<str:token>/", accounts.activate, name="activate"),
    path("connexion/", accounts.login_view, name="login"),
    path("connexion/code/", accounts.login_otp, name="login_otp"),
    path("deconnexion/", accounts.logout_view, name="logout"),
    path("mot-de-passe-oublie/", accounts.password_forgot, name="password_forgot"),
    path("mot-de-passe/<str:uidb64>/<str:token>/", accounts.password_reset, name="password_reset"),
    # Connected home and "Mon compte" (ACC-6)
    path("accueil/", dashboard.dashboard, name="dashboard"),
    path("mon-compte/", account.account, name="account"),
    path("mon-compte/informations/", account.profile_update, name="account_profile"),
    path("mon-compte/mot-de-passe/", account.password_change, name="account_password"),
    path("mon-compte/question-secrete/", account.secret_change, name="account_secret"),
    path("mon-compte/double-authentification/", account.totp_start, name="account_totp_start"),
    path("mon-compte/double-authentification/confirmer/", account.totp_confirm, name="account_totp_confirm"),
    path("mon-compte/double-authentification/supprimer/", account.totp_remove, name="account_totp_remove"),
    path("mon-compte/desactiver/", account.deactivate, name="account_deactivate"),
    # Bank details, attachments and billing mandate of a structure (ORG-4, ORG-5, ORG-6)
    path("structures/<int:structure_id>/", include("openchorus.portal.urls_documents")),
]

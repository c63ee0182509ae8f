"""Portal URLs, French paths as the real portal's."""

from django.urls import include, path

from openchorus.portal.views import account, accounts, dashboard, organisation, public

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
    path("mon-compte/rattachement/", organisation.membership_request, name="membership_request"),
    path(
        "mon-compte/rattachements/<int:membership_id>/detacher/",
        organisation.membership_detach,
        name="membership_detach",
    ),
    path("mon-compte/abonnement/", organisation.space_subscription, name="space_subscription"),
    path("mon-compte/habilitations.csv", organisation.habilitations_export, name="habilitations_export"),
    # Organisation (ORG-1..13)
    path("activites-gestionnaire/", organisation.manager_activities, name="manager_activities"),
    path("activites-gestionnaire/dupliquer-droits/", organisation.rights_duplicate, name="rights_duplicate"),
    path("approbations/", organisation.approvals, name="approvals"),
    path("approbations/<str:kind>/<int:request_id>/", organisation.approval_decide, name="approval_decide"),
    path("structures/creer/", organisation.structure_create, name="structure_create"),
    path("structures/<int:structure_id>/", organisation.structure_detail, name="structure_detail"),
    path("structures/<int:structure_id>/modifier/", organisation.structure_edit, name="structure_edit"),
    path("structures/<int:structure_id>/statut/", organisation.structure_status, name="structure_status"),
    path(
        "structures/<int:structure_id>/historique/", organisation.structure_history, name="structure_history"
    ),
    path("structures/<int:structure_id>/espaces/", organisation.structure_space, name="structure_space"),
    path("structures/<int:structure_id>/services/nouveau/", organisation.service_edit, name="service_create"),
    path(
        "structures/<int:structure_id>/services/<int:service_id>/",
        organisation.service_edit,
        name="service_edit",
    ),
    path(
        "structures/<int:structure_id>/utilisateurs/",
        organisation.structure_members,
        name="structure_members",
    ),
    path(
        "structures/<int:structure_id>/utilisateurs/<int:membership_id>/role/",
        organisation.member_role,
        name="member_role",
    ),
    path(
        "structures/<int:structure_id>/utilisateurs/<int:membership_id>/detacher/",
        organisation.member_remove,
        name="member_remove",
    ),
    path(
        "structures/<int:structure_id>/transferer/",
        organisation.structure_transfer,
        name="structure_transfer",
    ),
    path(
        "structures/<int:structure_id>/habilitations/",
        organisation.structure_habilitations,
        name="structure_habilitations",
    ),
    path(
        "structures/<int:structure_id>/habilitations/<int:habilitation_id>/supprimer/",
        organisation.habilitation_remove,
        name="habilitation_remove",
    ),
    # Bank details, attachments and billing mandate of a structure (ORG-4, ORG-5, ORG-6)
    path("structures/<int:structure_id>/", include("openchorus.portal.urls_documents")),
    # Factures émises (INV-2..8): entry, deposit, follow-up
    path("", include("openchorus.portal.urls_invoices_entry")),
    path("", include("openchorus.portal.urls_invoices_deposit")),
    path("", include("openchorus.portal.urls_invoices_followup")),
    # Factures reçues (LIF-2) and the invoice page's actions (LIF-2..5)
    path("", include("openchorus.portal.urls_invoices_received")),
    # Raccordements: technical accounts of the API (RAC-1)
    path("", include("openchorus.portal.urls_connections")),
    # Suivi des flux and Rejets EDI (RAC-3)
    path("", include("openchorus.portal.urls_flows")),
]

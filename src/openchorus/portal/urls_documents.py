"""URLs of a structure's bank details, attachments and billing mandate (ORG-4..6).

Included under `structures/<int:structure_id>/` in the `portal` namespace.
"""

from django.urls import path

from openchorus.portal.views import structure_documents as views

urlpatterns = [
    path("coordonnees-bancaires/", views.bank_accounts, name="structure_bank_accounts"),
    path("coordonnees-bancaires/creer/", views.bank_account_create, name="structure_bank_account_create"),
    path(
        "coordonnees-bancaires/<int:account_id>/modifier/",
        views.bank_account_edit,
        name="structure_bank_account_edit",
    ),
    path(
        "coordonnees-bancaires/<int:account_id>/statut/",
        views.bank_account_status,
        name="structure_bank_account_status",
    ),
    path(
        "coordonnees-bancaires/<int:account_id>/rib/",
        views.bank_account_document,
        name="structure_bank_account_document",
    ),
    path("pieces-jointes/", views.attachments, name="structure_attachments"),
    path(
        "pieces-jointes/<int:attachment_id>/", views.attachment_download, name="structure_attachment_download"
    ),
    path(
        "pieces-jointes/<int:attachment_id>/retirer/",
        views.attachment_remove,
        name="structure_attachment_remove",
    ),
    path("mandat-de-facturation/", views.mandate, name="structure_mandate"),
    path(
        "mandat-de-facturation/<int:mandate_id>/", views.mandate_document, name="structure_mandate_document"
    ),
    path(
        "mandat-de-facturation/<int:mandate_id>/revoquer/",
        views.mandate_revoke,
        name="structure_mandate_revoke",
    ),
]

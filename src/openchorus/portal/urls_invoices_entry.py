"""Portal URLs of the sent invoices (entry): "Saisir une facture" (INV-2, INV-5, INV-6)."""

from django.urls import path

from openchorus.portal.views import invoices_entry as views

urlpatterns = [
    path("factures-emises/saisir/", views.sent_invoices_new, name="sent_invoices_new"),
    path("factures-emises/saisir/totaux/", views.invoice_totals, name="invoice_totals"),
    path("factures-emises/saisir/ligne/", views.invoice_line_add, name="invoice_line_add"),
    path(
        "factures-emises/saisir/services/",
        views.invoice_recipient_services,
        name="invoice_recipient_services",
    ),
    path("factures-emises/<int:invoice_id>/modifier/", views.invoice_edit, name="invoice_edit"),
    path("factures-emises/<int:invoice_id>/verifier/", views.invoice_verify, name="invoice_verify"),
    path("factures-emises/<int:invoice_id>/envoyer/", views.invoice_submit, name="invoice_submit"),
    path("factures-emises/<int:invoice_id>/supprimer/", views.invoice_delete, name="invoice_delete"),
    path(
        "factures-emises/<int:invoice_id>/pieces-jointes/",
        views.invoice_attachment_add,
        name="invoice_attachment_add",
    ),
    path(
        "factures-emises/<int:invoice_id>/pieces-jointes/<int:attachment_id>/retirer/",
        views.invoice_attachment_remove,
        name="invoice_attachment_remove",
    ),
]

"""Portal URLs of "Factures reçues" (LIF-2) and of the invoice page's actions (LIF-2..5)."""

from django.urls import path

from openchorus.portal.views import invoices_actions as actions
from openchorus.portal.views import invoices_received as views

urlpatterns = [
    path("factures-recues/", views.synthesis, name="received_invoices"),
    path("factures-recues/tableau-de-bord/", views.dashboard, name="received_invoices_dashboard"),
    path("factures-recues/recherche/", views.search, name="received_invoices_search"),
    path("factures-recues/recherche.csv", views.export, name="received_invoices_export"),
    # The recipient's processing
    path("factures/<int:invoice_id>/traiter/", actions.invoice_process, name="invoice_process"),
    path("factures/<int:invoice_id>/transmettre/", actions.invoice_forward, name="invoice_forward"),
    # The supplier's answers to a return
    path("factures/<int:invoice_id>/recycler/", actions.invoice_recycle, name="invoice_recycle"),
    path(
        "factures/<int:invoice_id>/pieces-manquantes/",
        actions.invoice_attachment_add,
        name="invoice_suspended_attachment_add",
    ),
    path("factures/<int:invoice_id>/completer/", actions.invoice_complete, name="invoice_complete"),
    path("factures/<int:invoice_id>/nouvelle-facture/", actions.invoice_copy, name="invoice_copy"),
]

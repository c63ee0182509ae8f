"""Portal URLs of "Factures émises" follow-up (INV-7): synthèse, dashboard, search, archives,
the invoice page (seen from either side) and its downloads."""

from django.urls import path

from openchorus.portal.views import invoices_followup as views

urlpatterns = [
    path("factures-emises/", views.synthesis, name="sent_invoices"),
    path("factures-emises/tableau-de-bord/", views.dashboard, name="sent_invoices_dashboard"),
    path("factures-emises/recherche/", views.search, name="sent_invoices_search"),
    path("factures-emises/recherche.csv", views.export, name="sent_invoices_export"),
    path("factures-emises/archives/", views.archives, name="sent_invoices_archives"),
    path("factures/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path(
        "factures/<int:invoice_id>/telecharger/<str:kind>/<int:attachment_id>/",
        views.invoice_download,
        name="invoice_download",
    ),
    path(
        "factures/<int:invoice_id>/telecharger/<str:kind>/", views.invoice_download, name="invoice_download"
    ),
]

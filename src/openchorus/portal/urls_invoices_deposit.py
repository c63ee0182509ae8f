"""Portal URLs of the sent invoices (deposit)."""

from django.urls import path

from openchorus.portal.views import invoices_deposit

urlpatterns = [
    path("factures-emises/deposer/", invoices_deposit.deposit, name="sent_invoices_deposit"),
    path("factures-emises/depot-par-lot/", invoices_deposit.batch, name="sent_invoices_batch"),
]

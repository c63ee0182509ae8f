"""Portal URLs of the sent invoices (deposit)."""

urlpatterns: list = []

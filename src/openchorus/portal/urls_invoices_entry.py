"""Portal URLs of the sent invoices (entry)."""

urlpatterns: list = []

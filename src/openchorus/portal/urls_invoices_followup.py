"""Portal URLs of the sent invoices (followup)."""

urlpatterns: list = []

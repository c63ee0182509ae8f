"""URLs of a structure's bank details, attachments and billing mandate (ORG-4..6)."""

urlpatterns: list = []

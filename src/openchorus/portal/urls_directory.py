"""The public directory (annuaire des structures publiques, DIR-1), mounted at /annuaire/."""

from django.urls import path

from openchorus.portal.views import directory

app_name = "directory"

urlpatterns = [
    path("", directory.search, name="search"),
    path("structures/<int:structure_id>/", directory.detail, name="detail"),
    path("export.csv", directory.export, name="export"),
    path("annuaire.csv", directory.export_all, name="export_all"),
]

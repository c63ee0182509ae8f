"""URLs of the "Raccordements" space (RAC-1), included in the `portal` namespace."""

from django.urls import path

from openchorus.portal.views import connections as views

urlpatterns = [
    path("raccordements/", views.connections, name="connections"),
    path("raccordements/<int:account_id>/mot-de-passe/", views.connection_rotate, name="connection_rotate"),
    path("raccordements/<int:account_id>/revoquer/", views.connection_revoke, name="connection_revoke"),
]

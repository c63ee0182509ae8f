"""URLs of the "Raccordements" space (RAC-1, webhooks of BYD-3), included in the `portal` namespace."""

from django.urls import path

from openchorus.portal.views import connections as views

urlpatterns = [
    path("raccordements/", views.connections, name="connections"),
    path("raccordements/<int:account_id>/mot-de-passe/", views.connection_rotate, name="connection_rotate"),
    path("raccordements/<int:account_id>/revoquer/", views.connection_revoke, name="connection_revoke"),
    path("raccordements/<int:account_id>/webhooks/", views.connection_webhooks, name="connection_webhooks"),
    path(
        "raccordements/webhooks/<int:webhook_id>/supprimer/",
        views.connection_webhook_remove,
        name="connection_webhook_remove",
    ),
]

"""Root URLs: the portal, the staff admin, and the health check."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", include("openchorus.portal.urls")),
    path("annuaire/", include("openchorus.portal.urls_directory")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
]

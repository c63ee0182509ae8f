"""Root URLs: the portal, the staff admin, the health check, and the API (/cpro/, /api/oauth/token)."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from openchorus.api.urls import cpro_urls, token_urls


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", include("openchorus.portal.urls")),
    path("annuaire/", include("openchorus.portal.urls_directory")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/", include(token_urls)),
    path("cpro/", cpro_urls),
]

"""Root URLs: the portal, the staff admin, the health check, and the API (/cpro/, /api/oauth/token)."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from openchorus.api.urls import cpro_urls, token_urls


def health(request):
    return JsonResponse({"status": "ok"})


# The API first: Django tries the patterns in order, and the portal's hundred patterns tried before
# every API call were a third of a health check's time (docs/perf.md).
urlpatterns = [
    path("cpro/", cpro_urls),
    path("api/", include(token_urls)),
    path("health/", health, name="health"),
    path("", include("openchorus.portal.urls")),
    path("annuaire/", include("openchorus.portal.urls_directory")),
    path("admin/", admin.site.urls),
]

"""What every portal page needs: site identity, the user's tabs, the languages."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from openchorus.portal.navigation import tabs_for
from openchorus.structures.access import managed_structure_ids, rights_for
from openchorus.structures.selectors import approvals_pending_count


def _url_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def portal(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    rights = rights_for(user) if signed_in else {}
    managed = managed_structure_ids(user, rights)
    return {
        "SITE_CONFIG": SimpleNamespace(
            site_title=settings.SITE_TITLE,
            site_tagline=settings.SITE_TAGLINE or _("Facturation électronique du secteur public"),
            header_brand_html="république<br>française",
            footer_brand_html="république<br>française",
            footer_description="",
            mourning=False,
            beta_tag=False,
        ),
        "nav_tabs": tabs_for(user, rights) if signed_in else [],
        "approvals_count": approvals_pending_count(structure_ids=managed) if managed else None,
        "directory_url": _url_or_empty("directory:search"),
    }

"""What the header's tabs and the home's quick-access buttons show to a user.

A tab or button appears only when its page exists and the user may open it: no dead link. Later
spaces (Factures émises, Factures reçues, …) add their entries here, asking structures/access.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _existing(items: list[NavItem]) -> list[NavItem]:
    available = []
    for item in items:
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            continue
        available.append(item)
    return available


def tabs_for(user) -> list[NavItem]:
    """The navigation tabs of a signed-in user: the spaces held."""
    return _existing(
        [
            NavItem(_("Accueil connecté"), "portal:dashboard"),
            NavItem(_("Mon compte"), "portal:account"),
        ]
    )


def quick_access_for(user) -> list[NavItem]:
    """The connected home's "Accès rapide" buttons."""
    return _existing(
        [
            NavItem(_("Mon compte"), "portal:account", "fr-icon-account-circle-line"),
            NavItem(_("Rechercher structure publique"), "directory:search", "fr-icon-search-line"),
            NavItem(_("Déposer une facture"), "portal:sent_invoices_deposit", "fr-icon-upload-line"),
            NavItem(_("Accéder aux rejets EDI"), "portal:flows_rejections", "fr-icon-error-warning-line"),
            NavItem(_("Besoin d'aide ?"), "portal:help", "fr-icon-question-line"),
        ]
    )

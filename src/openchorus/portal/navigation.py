"""What the header's tabs and the home's quick-access buttons show to a user.

A tab or button appears only when its page exists and the user may open it: no dead link. Later
spaces (Factures émises, Factures reçues, …) add their entries here, asking structures/access.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from openchorus.structures import access
from openchorus.structures.enums import Space


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


# The page of each space, once it exists; a tab shows only for spaces the user holds (access.py).
SPACE_PAGES = {
    Space.MANAGER_ACTIVITIES: "portal:manager_activities",
    Space.SENT_INVOICES: "portal:sent_invoices",
    Space.SENT_TICKETS: "portal:sent_tickets",
    Space.RECEIVED_INVOICES: "portal:received_invoices",
    Space.WORKS_INVOICES: "portal:works_invoices",
    Space.INVOICES_TO_VALIDATE: "portal:invoices_to_validate",
    Space.ENGAGEMENTS: "portal:engagements",
    Space.FLOW_MONITORING: "portal:flows",
    Space.LEGAL_FEES: "portal:legal_fees",
    Space.ENERGY_TAX_REFUND: "portal:energy_tax_refunds",
    Space.CONNECTIONS: "portal:connections",
    Space.RECEIVED_TICKETS: "portal:received_tickets",
}


def tabs_for(user, rights=None) -> list[NavItem]:
    """The navigation tabs of a signed-in user: the home, the spaces held, "Mon compte"."""
    held = access.spaces_held(user, rights)
    spaces = [NavItem(Space(space).label, url) for space, url in SPACE_PAGES.items() if space in held]
    return _existing(
        [
            NavItem(_("Accueil connecté"), "portal:dashboard"),
            *spaces,
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

"""The directory's CSV format, shared by the export and the import (documented in docs/directory.md).

One line per service, the structure's columns repeated on each; a structure without services has
one line with empty service columns. UTF-8 with a byte-order mark, `;` separator, CRLF line ends:
what a French spreadsheet opens without a question, as the real annuaire's download.
"""

from __future__ import annotations

import functools
import re
from datetime import date

ENCODING = "utf-8-sig"
DELIMITER = ";"
YES, NO = "oui", "non"

# (column header, key). Structure columns first, then the service columns.
STRUCTURE_COLUMNS = [
    ("Identifiant", "identifier"),
    ("Type d'identifiant", "identifier_type"),
    ("Raison sociale", "legal_name"),
    ("Libellé", "label"),
    ("Adresse", "address_line1"),
    ("Code postal", "postcode"),
    ("Ville", "city"),
    ("Pays", "country"),
    ("Statut", "status"),
    ("Service obligatoire", "service_code_required"),
    ("Engagement obligatoire", "engagement_required"),
    ("Service ou engagement obligatoire", "service_or_engagement_required"),
    ("Mise en paiement remontée", "payment_status_reported"),
    ("Réception EDI", "edi_reception"),
    ("Présence MOA", "moa_presence"),
]
SERVICE_COLUMNS = [
    ("Code service", "code"),
    ("Libellé du service", "label"),
    ("Date de début", "start_date"),
    ("Date de fin", "end_date"),
    ("Statut du service", "status"),
    ("Engagement obligatoire (service)", "engagement_required"),
]
HEADER = [title for title, _ in STRUCTURE_COLUMNS + SERVICE_COLUMNS]
STRUCTURE_FLAGS = {
    "service_code_required",
    "engagement_required",
    "service_or_engagement_required",
    "payment_status_reported",
    "edi_reception",
}


def flag_render(value: bool) -> str:
    return YES if value else NO


def flag_parse(value: str) -> bool | None:
    """'oui'/'non' (any case; empty means 'non'); None for anything else."""
    value = value.strip().lower()
    if value in {"", NO}:
        return False
    if value == YES:
        return True
    return None


@functools.lru_cache(maxsize=4096)  # a national export repeats the same few thousand dates
def date_render(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


_FRENCH_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@functools.lru_cache(maxsize=4096)
def date_parse(value: str) -> date | None:
    """DD/MM/YYYY as exported, or ISO YYYY-MM-DD; raises ValueError on anything else."""
    value = value.strip()
    if not value:
        return None
    if match := _FRENCH_DATE.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(value)
    return date(year, month, day)

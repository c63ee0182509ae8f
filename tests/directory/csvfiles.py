"""CSV files in the directory format, written from rows, for the import tests."""

from __future__ import annotations

import csv
import io

from openchorus.directory import formats


def row(**values) -> dict[str, str]:
    """A CSV line as a dict keyed by column header, with sensible defaults."""
    base = {title: "" for title in formats.HEADER}
    base.update(
        {
            "Identifiant": "20005794100011",
            "Type d'identifiant": "SIRET",
            "Raison sociale": "PARIS-EST-MARNE ET BOIS",
            "Code postal": "94500",
            "Ville": "CHAMPIGNY-SUR-MARNE",
            "Pays": "FR",
            "Statut": "ACTIF",
            "Service obligatoire": "non",
            "Engagement obligatoire": "non",
            "Service ou engagement obligatoire": "non",
            "Mise en paiement remontée": "oui",
            "Réception EDI": "non",
        }
    )
    base.update(values)
    return base


def csv_bytes(rows: list[dict[str, str]], *, header: list[str] | None = None) -> io.BytesIO:
    header = header or formats.HEADER
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(title, "") for title in header])
    return io.BytesIO(out.getvalue().encode("utf-8-sig"))

"""The directory's word index over public structures (see docs/adr/0002-directory-search.md).

The directory's records are the organisation app's `Structure` and `StructureService`; this table
only lets a search find, by word prefix, the few structures to look at among 150,000.
"""

from __future__ import annotations

from django.db import models

from openchorus.structures.models import Structure


class DirectoryToken(models.Model):
    """One word (or the SIRET, or the postcode) of one public structure, normalised."""

    token = models.CharField(max_length=40)
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "structure"], name="directory_token_unique"),
        ]
        # (structure, token): "does this candidate also have a word starting with …" is one seek.
        indexes = [models.Index(fields=["structure", "token"], name="directory_token_by_structure")]

    def __str__(self) -> str:
        return self.token

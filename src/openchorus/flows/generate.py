"""Realistic EDI invoice flows for tests and benchmarks (`openchorus flows generate`).

`flow_generate` is pure (no database): from a supplier and a list of public recipients it writes
N invoices in one syntax with the e-invoice library's writers, some of them invalid on purpose
(one realistic defect each, with the rule id our deposit pipeline refuses it with), optionally
repeats valid ones later in the flow (refused as duplicates), and packs them the way suppliers'
software does: one plain file, or a `<syntax>_lot_factures.tar.gz` (Odoo's connector) or a zip.
`flow_supplier` and `flow_recipients` read the specs from the database for the command.

Every valid invoice passes the whole pipeline (`ingestion.pipeline.deposit(submit=True)`): EN 16931,
the Chorus Pro rules and the French reform's BR-FR rules (even when they are fatal), the directory's
requirements of each recipient and service (service code, engagement), the supplier's IBAN.
"""

from __future__ import annotations

import gzip
import io
import multiprocessing
import os
import random
import tarfile
import time
import zipfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from stdnum import luhn

from openchorus import einvoice
from openchorus.einvoice import model as m

SCHEME_SIRET = "0009"
SCHEME_SIREN = "0002"
EN16931 = m.CUSTOMIZATION_IDS[m.Profile.EN16931]
CENT = Decimal("0.01")
CONTAINERS = ("auto", "single", "tar.gz", "zip")
PARALLEL_FROM = 1000  # invoices from which worker processes pay for their start
# Days before `today` over which issue dates spread; recipient services must be active all along.
ISSUE_WINDOW_DAYS = 60

# The syntax each flow syntax's invoices are written in. The E2 "MIN" syntaxes carry a minimal
# XML with a PDF at Chorus Pro; our pipeline reads them as complete invoices, so they get one too.
WRITE_SYNTAX: dict[str, einvoice.WriteSyntax] = {
    "IN_DP_E1_UBL_INVOICE": "ubl",
    "IN_DP_E1_CII_16B": "cii",
    "IN_DP_E2_CII_FACTURX": "facturx",
    "IN_DP_E2_UBL_INVOICE_MIN": "ubl",
    "IN_DP_E2_CII_MIN_16B": "cii",
}

# Defects of invalid invoices, in rotation: (name, rule id of the refusal, pipeline step refusing).
DEFECTS: dict[str, tuple[str, str]] = {
    "totals": ("BR-CO-15", "validate"),  # BT-112 ≠ BT-109 + BT-110
    "unknown-recipient": ("INV-5-DESTINATAIRE-INCONNU", "recipient"),
    "service-missing": ("INV-5-SERVICE-OBLIGATOIRE", "recipient"),
    "engagement-missing": ("INV-5-ENGAGEMENT-OBLIGATOIRE", "recipient"),
    "unknown-service": ("INV-5-SERVICE-INCONNU", "recipient"),
    "broken-xml": ("XML-PARSE", "detect"),
}
DUPLICATE = ("INV-5-DOUBLON", "duplicates")  # invoices/checks.py duplicate_findings

# (designation, unit code, quantity range, unit price range in cents, VAT rate)
CATALOGUE: tuple[tuple[str, str, tuple[int, int], tuple[int, int], str], ...] = (
    ("Plateau de fromages AOP (Beaufort, Reblochon, Tomme de Savoie)", "C62", (2, 12), (2800, 4800), "5.5"),
    ("Jus de pomme artisanal de Savoie, bouteille 1 l", "C62", (6, 48), (350, 520), "5.5"),
    ("Repas de restauration scolaire, écoles maternelles", "C62", (200, 2500), (360, 420), "5.5"),
    ("Repas de restauration scolaire, écoles élémentaires", "C62", (200, 3000), (385, 450), "5.5"),
    ("Goûters du centre de loisirs", "C62", (40, 400), (110, 160), "5.5"),
    ("Corbeille de fruits de saison", "C62", (1, 10), (1800, 2600), "5.5"),
    ("Coffret gourmand de fin d'année", "C62", (10, 80), (2490, 3990), "5.5"),
    ("Tomme de Savoie IGP au poids", "KGM", (2, 15), (1650, 2200), "5.5"),
    ("Buffet savoyard, par couvert", "C62", (20, 150), (1890, 2890), "10"),
    ("Plateau-repas du conseil d'administration", "C62", (8, 40), (1690, 2490), "10"),
    ("Cocktail de réception, par personne", "C62", (30, 200), (1290, 1990), "10"),
    ("Petit-déjeuner de réunion, par personne", "C62", (10, 60), (590, 890), "10"),
    ("Café d'accueil et viennoiseries", "C62", (10, 80), (320, 480), "10"),
    ("Repas des agents des services techniques", "C62", (10, 60), (1150, 1550), "10"),
    ("Service en salle, serveur (heure)", "HUR", (2, 16), (2900, 3600), "20"),
    ("Vin de Savoie AOP, Apremont, bouteille 75 cl", "C62", (6, 36), (950, 1400), "20"),
    ("Vin de Savoie AOP, Chignin-Bergeron, bouteille 75 cl", "C62", (6, 36), (1300, 1800), "20"),
    ("Location de vaisselle et nappage", "C62", (1, 3), (12000, 24000), "20"),
    ("Livraison et installation sur site", "C62", (1, 2), (6500, 12000), "20"),
    ("Atelier « Goût et terroir » (demi-journée)", "C62", (1, 4), (24000, 32000), "20"),
)
# The mentions of the Commercial Code that BR-FR-05 requires, by note subject code.
MANDATORY_NOTES = (
    m.Note(
        subject_code="PMT",
        text="Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.",
    ),
    m.Note(
        subject_code="PMD",
        text="Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de l'échéance.",
    ),
    m.Note(subject_code="AAB", text="Pas d'escompte pour paiement anticipé."),
)


# --- specs ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SupplierSpec:
    """The seller of every invoice of the flow."""

    siret: str
    name: str
    address_line1: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    vat_number: str = ""  # computed from the SIREN when empty (BR-S-02 needs one)
    iban: str = ""
    bic: str = ""
    bank_account_name: str = ""


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    code: str
    engagement_required: bool = False


@dataclass(frozen=True, slots=True)
class RecipientSpec:
    """A public recipient as the directory describes it, with its active services."""

    siret: str
    name: str
    address_line1: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    services: tuple[ServiceSpec, ...] = ()
    service_code_required: bool = False
    engagement_required: bool = False
    service_or_engagement_required: bool = False

    @property
    def usable(self) -> bool:
        """Whether a valid invoice can be addressed to it."""
        return bool(self.services) or not self.service_code_required


@dataclass(frozen=True, slots=True)
class GeneratedItem:
    """One member of the flow and what the pipeline is expected to make of it."""

    position: int  # 1-based, in the order of the flow
    name: str  # member name in the container (the file name for a single invoice)
    number: str
    recipient: str  # the SIRET the invoice names
    service_code: str
    engagement: str
    valid: bool
    defect: str = ""  # a key of DEFECTS, "duplicate", or "" for a valid invoice
    rule_id: str = ""  # the rule the refusal carries
    step: str = ""  # the pipeline step expected to refuse it
    duplicate_of: int | None = None  # the position of the original

    def as_dict(self) -> dict[str, object]:
        return {
            "position": self.position,
            "name": self.name,
            "number": self.number,
            "recipient": self.recipient,
            "service_code": self.service_code,
            "engagement": self.engagement,
            "valid": self.valid,
            "defect": self.defect,
            "rule_id": self.rule_id,
            "step": self.step,
            "duplicate_of": self.duplicate_of,
        }


@dataclass(frozen=True, slots=True)
class GeneratedFlow:
    filename: str
    data: bytes
    syntax: str
    container: str  # "single", "tar.gz" or "zip"
    items: tuple[GeneratedItem, ...] = field(default=())
    seconds: float = 0.0

    @property
    def invoices(self) -> int:
        """The distinct invoices asked for (duplicates not counted)."""
        return sum(1 for item in self.items if item.duplicate_of is None)

    @property
    def valid(self) -> int:
        return sum(1 for item in self.items if item.valid)

    @property
    def invalid(self) -> int:
        return sum(1 for item in self.items if not item.valid and item.duplicate_of is None)

    @property
    def duplicates(self) -> int:
        return sum(1 for item in self.items if item.duplicate_of is not None)

    def summary(self) -> dict[str, object]:
        return {
            "file": self.filename,
            "syntax": self.syntax,
            "container": self.container,
            "invoices": self.invoices,
            "valid": self.valid,
            "invalid": self.invalid,
            "duplicates": self.duplicates,
            "members": len(self.items),
            "bytes": len(self.data),
            "seconds": round(self.seconds, 3),
        }


# --- helpers --------------------------------------------------------------------------------------


def french_vat_number(siren: str) -> str:
    """The French VAT identifier of a SIREN (FR + two-digit key + SIREN)."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _siret_with_nic(siren: str, nic4: str) -> str:
    """A SIRET of `siren` whose establishment number starts with `nic4`, with its INSEE check digit."""
    body = siren + nic4
    return body + luhn.calc_check_digit(body)


def _unknown_siret(rng: random.Random, recipient: RecipientSpec, known: frozenset[str]) -> str:
    """A SIRET with a valid check digit that the directory does not know: a wrong establishment of
    the recipient (the commonest mistake once the SIREN is right)."""
    siren = recipient.siret[:9]
    while True:
        candidate = _siret_with_nic(siren, f"{rng.randrange(9000, 9999):04d}")
        if candidate not in known:
            return candidate


def _sid(value: str) -> m.Identifier:
    return m.Identifier(value=value, scheme_id=SCHEME_SIRET)


def _address(line1: str, postcode: str, city: str, country: str) -> m.PostalAddress:
    return m.PostalAddress(
        line1=line1 or None, post_code=postcode or None, city=city or None, country_code=country or "FR"
    )


def _seller(supplier: SupplierSpec) -> m.Seller:
    siret = _sid(supplier.siret)
    return m.Seller(
        name=supplier.name,
        identifiers=(siret,),
        # BR-FR-10: the legal registration is the SIREN (scheme 0002); the SIRET routes (0009).
        legal_registration=m.Identifier(value=supplier.siret[:9], scheme_id=SCHEME_SIREN),
        vat_identifier=supplier.vat_number or french_vat_number(supplier.siret[:9]),
        electronic_address=siret,
        address=_address(supplier.address_line1, supplier.postcode, supplier.city, supplier.country),
    )


def _payment(supplier: SupplierSpec, number: str) -> m.PaymentInstructions | None:
    if not supplier.iban:
        return None
    return m.PaymentInstructions(
        means_code="30",  # credit transfer
        remittance_information=number,
        credit_transfers=(
            m.CreditTransfer(
                account_identifier=supplier.iban,
                account_name=supplier.bank_account_name or None,
                service_provider_identifier=supplier.bic or None,
            ),
        ),
    )


def _lines(rng: random.Random, count: int) -> tuple[m.InvoiceLine, ...]:
    lines = []
    for index, (name, unit, quantities, prices, rate) in enumerate(rng.sample(CATALOGUE, count), start=1):
        quantity = Decimal(rng.randint(*quantities))
        if unit == "KGM":
            quantity += Decimal(rng.choice((0, 250, 500, 750))) / 1000
        price = Decimal(rng.randint(*prices)) / 100
        lines.append(
            m.InvoiceLine(
                identifier=str(index),
                quantity=quantity,
                unit_code=unit,
                net_amount=(quantity * price).quantize(CENT),
                price=m.Price(net_price=price),
                vat=m.LineVat(category_code="S", rate=Decimal(rate)),
                item=m.Item(name=name),
            )
        )
    return tuple(lines)


def _vat(lines: Sequence[m.InvoiceLine]) -> tuple[tuple[m.VatBreakdown, ...], Decimal, Decimal]:
    """BG-23 per rate (BR-CO-17: each rate's tax rounded to the cent), the net and VAT totals."""
    bases: dict[Decimal, Decimal] = {}
    for line in lines:
        rate, amount = line.vat.rate or Decimal(0), line.net_amount or Decimal(0)
        bases[rate] = bases.get(rate, Decimal(0)) + amount
    breakdown = tuple(
        m.VatBreakdown(
            taxable_amount=base, tax_amount=(base * rate / 100).quantize(CENT), category_code="S", rate=rate
        )
        for rate, base in sorted(bases.items(), reverse=True)
    )
    net = sum(bases.values(), Decimal(0))
    return breakdown, net, sum((row.tax_amount or Decimal(0) for row in breakdown), Decimal(0))


def _engagement(rng: random.Random) -> str:
    return f"13000{rng.randrange(10**5):05d}"


def _routing(
    rng: random.Random, recipient: RecipientSpec, defect: str
) -> tuple[str, str, ServiceSpec | None]:
    """(service code, engagement) that the recipient's requirements accept, or break as `defect` says."""
    services = recipient.services
    service: ServiceSpec | None = None
    if defect == "engagement-missing" and not recipient.engagement_required:
        service = rng.choice([s for s in services if s.engagement_required])
    elif defect == "service-missing":
        service = None
    elif services and (recipient.service_code_required or rng.random() < 0.8):
        service = rng.choice(services)
    code = service.code if service else ""
    needs_engagement = (
        recipient.engagement_required
        or (service is not None and service.engagement_required)
        or (recipient.service_or_engagement_required and not code)
    )
    engagement = _engagement(rng) if needs_engagement or rng.random() < 0.5 else ""
    if defect == "engagement-missing":
        engagement = ""
    if defect == "unknown-service":
        known = {s.code for s in services}
        code = f"SVC{rng.randrange(1000, 9999)}"
        while code in known:
            code = f"SVC{rng.randrange(1000, 9999)}"
        engagement = engagement or _engagement(rng)
    return code, engagement, service


def _applicable(defect: str, recipients: Sequence[RecipientSpec]) -> list[RecipientSpec]:
    """The recipients an invoice with this defect can be addressed to (all of them if no defect)."""
    usable = [r for r in recipients if r.usable]
    if defect == "service-missing":
        return [r for r in usable if r.service_code_required]
    if defect == "engagement-missing":
        return [r for r in usable if r.engagement_required or any(s.engagement_required for s in r.services)]
    return usable


def invoice_document(
    *,
    rng: random.Random,
    number: str,
    supplier: SupplierSpec,
    recipient: RecipientSpec,
    buyer_siret: str,
    service_code: str,
    engagement: str,
    issue_date: date,
    line_count: int,
) -> m.Invoice:
    """One complete EN 16931 invoice of the supplier to the recipient."""
    lines = _lines(rng, line_count)
    breakdown, net, vat = _vat(lines)
    total = net + vat
    notes = MANDATORY_NOTES
    if engagement and rng.random() < 0.3:
        notes = (*notes, m.Note(text=f"Bon de commande n° {engagement} du {issue_date:%d/%m/%Y}."))
    return m.Invoice(
        number=number,
        issue_date=issue_date,
        type_code="380",
        currency_code="EUR",
        due_date=issue_date + timedelta(days=30),
        buyer_reference=service_code or None,
        purchase_order_reference=engagement or None,
        payment_terms="Paiement à 30 jours par virement.",
        notes=notes,
        business_process_type="A1",  # Chorus Pro billing frame A1_FACTURE_FOURNISSEUR
        customization_id=EN16931,
        seller=_seller(supplier),
        buyer=m.Buyer(
            name=recipient.name,
            legal_registration=_sid(buyer_siret),
            electronic_address=_sid(buyer_siret),
            address=_address(recipient.address_line1, recipient.postcode, recipient.city, recipient.country),
        ),
        delivery=m.Delivery(actual_delivery_date=issue_date - timedelta(days=rng.randint(0, 10))),
        payment_instructions=_payment(supplier, number),
        totals=m.DocumentTotals(
            line_net_total=net, total_without_vat=net, vat_total=vat, total_with_vat=total, amount_due=total
        ),
        vat_breakdown=breakdown,
        lines=lines,
    )


def _broken(data: bytes, rng: random.Random) -> bytes:
    """The file cut short, as an interrupted transfer leaves it: not well-formed any more."""
    return data[: rng.randint(len(data) // 3, 2 * len(data) // 3)]


# --- containers -----------------------------------------------------------------------------------


def _pack(members: Sequence[tuple[str, bytes]], container: str, stamp: datetime) -> bytes:
    buffer = io.BytesIO()
    if container == "zip":
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return buffer.getvalue()
    # Same bytes for the same arguments: fixed gzip and tar timestamps.
    mtime = int(stamp.timestamp())
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=mtime) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.GNU_FORMAT) as archive,
    ):
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


# --- the generator --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Batch:
    """What writing a run of positions needs (picklable, for the worker processes)."""

    positions: tuple[int, ...]
    defects: dict[int, str]
    seed: int
    prefix: str
    width: int
    supplier: SupplierSpec
    recipients: tuple[RecipientSpec, ...]
    lines: tuple[int, int]
    today: date
    write_as: einvoice.WriteSyntax


def _write_batch(batch: _Batch) -> list[tuple[GeneratedItem, bytes]]:
    """Each invoice of the batch, from its own random generator (so any process may write it)."""
    seed, prefix, width, today, write_as = batch.seed, batch.prefix, batch.width, batch.today, batch.write_as
    supplier, recipients, (low, high) = batch.supplier, batch.recipients, batch.lines
    extension = "pdf" if write_as == "facturx" else "xml"
    known = frozenset(r.siret for r in recipients)
    out: list[tuple[GeneratedItem, bytes]] = []
    for position in batch.positions:
        defect = batch.defects.get(position, "")
        rng = random.Random(seed * 1_000_003 + position)  # noqa: S311
        recipient = rng.choice(_applicable(defect, recipients))
        number = f"{prefix}-{seed}-{position:0{width}d}"
        code, engagement, _service = _routing(rng, recipient, defect)
        buyer_siret = (
            _unknown_siret(rng, recipient, known) if defect == "unknown-recipient" else recipient.siret
        )
        document = invoice_document(
            rng=rng,
            number=number,
            supplier=supplier,
            recipient=recipient,
            buyer_siret=buyer_siret,
            service_code=code,
            engagement=engagement,
            issue_date=today - timedelta(days=rng.randint(1, ISSUE_WINDOW_DAYS)),
            line_count=rng.randint(low, high),
        )
        if defect == "totals":
            wrong = (document.totals.total_with_vat or Decimal(0)) + Decimal(rng.randint(1, 999)) / 100
            document = replace(
                document, totals=replace(document.totals, total_with_vat=wrong, amount_due=wrong)
            )
        data = einvoice.write(document, write_as)
        if defect == "broken-xml":
            data = _broken(data, rng)
        rule_id, step = DEFECTS[defect] if defect else ("", "")
        item = GeneratedItem(
            position=position,
            name=f"{number}.{extension}",
            number=number,
            recipient=buyer_siret,
            service_code=code,
            engagement=engagement,
            valid=not defect,
            defect=defect,
            rule_id=rule_id,
            step=step,
        )
        out.append((item, data))

    return out


def _write_all(batch: _Batch, invoices: int, workers: int) -> list[tuple[GeneratedItem, bytes]]:
    if workers <= 1:
        return _write_batch(replace(batch, positions=tuple(range(1, invoices + 1))))
    size = -(-invoices // (workers * 4))  # a few batches per worker evens out their speeds
    batches = [
        replace(batch, positions=tuple(range(first, min(first + size, invoices + 1))))
        for first in range(1, invoices + 1, size)
    ]
    # fork: the workers inherit the loaded modules (lxml, the library) instead of importing them again.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [entry for written in pool.map(_write_batch, batches) for entry in written]


def flow_generate(
    *,
    invoices: int,
    syntax: str,
    supplier: SupplierSpec,
    recipients: Sequence[RecipientSpec],
    invalid_share: float = 0.0,
    seed: int = 0,
    lines: tuple[int, int] = (1, 5),
    container: str = "auto",
    prefix: str = "GEN",
    duplicates: int = 0,
    today: date | None = None,
    workers: int | None = None,
) -> GeneratedFlow:
    """A flow of `invoices` invoices (plus `duplicates` repeats of valid ones) in `syntax`.

    Invoice k (1-based) is numbered `<prefix>-<seed>-<k>` and drawn from its own random generator,
    so the same arguments give the same bytes, and an invoice's content does not depend on which
    others are invalid. `today` (default: the current date) ends the window of issue dates.
    `workers` processes write the invoices (default: one per CPU from PARALLEL_FROM invoices on).
    """
    started = time.perf_counter()
    if syntax not in WRITE_SYNTAX:
        raise ValueError(f"unknown syntax {syntax!r}; expected one of {', '.join(WRITE_SYNTAX)}")
    if invoices < 1:
        raise ValueError("a flow holds at least one invoice")
    if not 0 <= invalid_share <= 1:
        raise ValueError("the invalid share is between 0 and 1")
    low, high = lines
    if not 1 <= low <= high <= len(CATALOGUE):
        raise ValueError(f"lines per invoice: 1 ≤ min ≤ max ≤ {len(CATALOGUE)}")
    if container not in CONTAINERS:
        raise ValueError(f"unknown container {container!r}; expected one of {', '.join(CONTAINERS)}")
    usable = [r for r in recipients if r.usable]
    if not usable:
        raise ValueError("no recipient can receive a valid invoice (active public structure expected)")
    members_count = invoices + duplicates
    if container == "auto":
        container = "single" if members_count == 1 else "tar.gz"
    if container == "single" and members_count != 1:
        raise ValueError("a single file holds one invoice: choose tar.gz or zip")

    today = today or date.today()
    write_as = WRITE_SYNTAX[syntax]
    extension = "pdf" if write_as == "facturx" else "xml"
    width = max(5, len(str(invoices)))

    chooser = random.Random(f"{seed}:invalid")  # noqa: S311 (test data, not a secret)
    invalid_count = round(invoices * invalid_share)
    invalid_positions = sorted(chooser.sample(range(1, invoices + 1), invalid_count))
    rotation = [
        defect
        for defect in DEFECTS
        if _applicable(defect, recipients) and not (defect == "broken-xml" and write_as == "facturx")
    ]
    defects = {position: rotation[i % len(rotation)] for i, position in enumerate(invalid_positions)}
    if duplicates > invoices - invalid_count:
        raise ValueError(f"{duplicates} duplicates asked, but only {invoices - invalid_count} valid invoices")

    batch = _Batch(
        positions=(),
        defects=defects,
        seed=seed,
        prefix=prefix,
        width=width,
        supplier=supplier,
        recipients=tuple(recipients),
        lines=(low, high),
        today=today,
        write_as=write_as,
    )
    workers = workers or (min(os.cpu_count() or 1, 8) if invoices >= PARALLEL_FROM else 1)
    written = _write_all(batch, invoices, workers)

    # Each duplicate repeats a distinct valid invoice, somewhere after it.
    placer = random.Random(f"{seed}:duplicates")  # noqa: S311
    originals = placer.sample([entry for entry in written if entry[0].valid], duplicates)
    flow = list(written)
    for original, data in sorted(originals, key=lambda entry: entry[0].position):
        after = next(i for i, (item, _) in enumerate(flow) if item is original)
        repeat = replace(
            original,
            name=f"{original.number}-doublon.{extension}",
            valid=False,
            defect="duplicate",
            rule_id=DUPLICATE[0],
            step=DUPLICATE[1],
            duplicate_of=original.position,
        )
        flow.insert(placer.randint(after + 1, len(flow)), (repeat, data))
    items = tuple(replace(item, position=i) for i, (item, _) in enumerate(flow, start=1))
    positions = {
        entry[0].position: item.position
        for entry, item in zip(flow, items, strict=True)
        if item.duplicate_of is None
    }
    items = tuple(
        item if item.duplicate_of is None else replace(item, duplicate_of=positions[item.duplicate_of])
        for item in items
    )

    if container == "single":
        filename, data = items[0].name, flow[0][1]
    else:
        stamp = datetime(today.year, today.month, today.day, 8, 0)
        data = _pack(
            [(item.name, data) for item, (_, data) in zip(items, flow, strict=True)], container, stamp
        )
        filename = f"{syntax}_lot_factures.{container}"
    return GeneratedFlow(
        filename=filename,
        data=data,
        syntax=syntax,
        container=container,
        items=items,
        seconds=time.perf_counter() - started,
    )


# --- specs from the database ----------------------------------------------------------------------


def demo_supplier() -> SupplierSpec:
    """Les Délices de Savoie as the demo data describes it (no database needed)."""
    from openchorus.demo import DELICES_SIRET, DEMO_BIC, DEMO_IBAN

    return SupplierSpec(
        siret=DELICES_SIRET,
        name="Les Délices de Savoie",
        address_line1="12 rue de la Tomme",
        postcode="73000",
        city="Chambéry",
        vat_number="FR84731500013",
        iban=DEMO_IBAN,
        bic=DEMO_BIC,
        bank_account_name="Compte courant Crédit Agricole des Savoie",
    )


def flow_supplier(*, siret: str) -> SupplierSpec:
    """The supplier structure with this SIRET and its first active IBAN account, from the database."""
    from openchorus.structures.enums import Status
    from openchorus.structures.models import BankAccount, Structure

    structure = Structure.objects.filter(identifier=siret).order_by("kind").first()
    if structure is None:
        raise ValueError(f"no structure has the SIRET {siret}")
    account = (
        BankAccount.objects.filter(structure=structure, status=Status.ACTIVE)
        .exclude(iban="")
        .order_by("pk")
        .first()
    )
    return SupplierSpec(
        siret=structure.identifier,
        name=structure.legal_name,
        address_line1=structure.address_line1,
        postcode=structure.postcode,
        city=structure.city,
        country=structure.country or "FR",
        vat_number=structure.vat_number,
        iban=account.iban if account else "",
        bic=account.bic if account else "",
        bank_account_name=account.name if account else "",
    )


def flow_recipients(
    *, identifiers: Sequence[str] = (), today: date | None = None, limit: int = 20
) -> list[RecipientSpec]:
    """Active public structures with their services active over the window of issue dates:
    those named, else the demo's public clients when present, else the first `limit` ones."""
    from openchorus.demo import CHAMBERY, HOSPITAL, PARIS_HABITAT, SAVOIE, STATE
    from openchorus.structures.enums import Status, StructureKind
    from openchorus.structures.models import Structure

    today = today or date.today()
    first_day = today - timedelta(days=ISSUE_WINDOW_DAYS)
    public = Structure.objects.filter(kind=StructureKind.PUBLIC, status=Status.ACTIVE).prefetch_related(
        "services"
    )
    if identifiers:
        chosen = list(public.filter(identifier__in=identifiers))
    else:
        demo = (PARIS_HABITAT, CHAMBERY, SAVOIE, HOSPITAL, STATE)
        chosen = list(public.filter(identifier__in=demo)) or list(public.order_by("pk")[:limit])
    chosen.sort(key=lambda structure: structure.identifier)
    return [
        RecipientSpec(
            siret=structure.identifier,
            name=structure.legal_name,
            address_line1=structure.address_line1,
            postcode=structure.postcode,
            city=structure.city,
            country=structure.country or "FR",
            services=tuple(
                ServiceSpec(code=service.code, engagement_required=service.engagement_required)
                for service in sorted(structure.services.all(), key=lambda s: s.code)
                if service.is_active_on(first_day) and service.is_active_on(today)
            ),
            service_code_required=structure.service_code_required,
            engagement_required=structure.engagement_required,
            service_or_engagement_required=structure.service_or_engagement_required,
        )
        for structure in chosen
    ]

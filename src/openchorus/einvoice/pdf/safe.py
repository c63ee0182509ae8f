"""Open an untrusted PDF with limits and read its positioned text, refusing what cannot be read.

A deposited PDF comes from anyone. What the parent process checks before any PDF parser sees
the bytes:

- size cap (`PDF-TOO-LARGE`), the `%PDF-` header and the `%%EOF` marker at the end, which a
  truncated upload lacks (`PDF-MALFORMED`).

Everything that parses the PDF structure then runs in a short-lived child process, because a
parser bug, a decompression bomb or a pathological content stream must never take the web or
task worker down with it:

- the child is a `multiprocessing` process: forked directly when the caller is single-threaded
  (a command, a task worker process, tests: cheapest, the parser already imported), otherwise
  forked by the *forkserver* (a clean single-threaded process with the parser preloaded), so that
  a multi-threaded web server never calls `fork()` itself. As always with `multiprocessing`, a
  script calling this at import time needs the `if __name__ == "__main__":` guard;
- a crash or an out-of-memory kill stays in the child;
- in the child, `RLIMIT_AS` caps its address space to what it already maps plus
  `Limits.memory_bytes` (`PDF-MEMORY`: a `MemoryError` is reported,
  a hard crash is reported as unreadable), and `RLIMIT_CPU` is a backstop in case the parent
  disappears;
- the parent waits at most `Limits.timeout_seconds` for the answer, then kills the child
  (`PDF-TIMEOUT`);
- inside the child, before text extraction: encrypted files are refused (`PDF-ENCRYPTED`), the
  page count is capped (`PDF-TOO-MANY-PAGES`), and every FlateDecode stream of the file is
  inflated with a bounded decompressor so that a few kilobytes that would inflate to gigabytes
  are refused up front (`PDF-BOMB`) instead of exhausting memory;
- any other failure of the parser is `PDF-MALFORMED`.

Every refusal is an `EInvoiceError` carrying one `Issue` with French and English messages.
`Limits(isolated=False)` runs the same checks in-process (no memory or time cap) for callers that
already run in a sandbox.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import re
import resource
import signal
import threading
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from openchorus.einvoice.errors import EInvoiceError, Issue, refusal
from openchorus.einvoice.pdf.text import PageText, TextDocument, page_from_pdfium

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 10 * MIB
    max_pages: int = 50
    timeout_seconds: float = 20.0
    memory_bytes: int = 1024 * MIB
    # Sum of the inflated sizes of all FlateDecode streams of the file.
    max_inflated_bytes: int = 200 * MIB
    # Run the parser in a child process with the memory and time caps. Only trusted callers (tests,
    # benchmarks) turn it off: PDFium aborts its process when memory runs out.
    isolated: bool = True


DEFAULT_LIMITS = Limits()

_STREAM_START = re.compile(rb"stream\r?\n")
# Imported once by the forkserver so that its children start with the parser loaded.
_PRELOAD = ["openchorus.einvoice.pdf.safe", "pypdfium2"]
_forkserver: ForkServerContext | SpawnContext | None = None


def read_pdf(data: bytes, limits: Limits = DEFAULT_LIMITS) -> TextDocument:
    """Read the positioned text of a PDF, or raise `EInvoiceError` saying why it is refused."""
    preflight(data, limits)
    if not limits.isolated:
        return _read_guarded(data, limits)
    return _read_in_child(data, limits)


def preflight(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Checks made on the bytes before any parser runs."""
    if len(data) > limits.max_bytes:
        raise refusal(
            "PDF-TOO-LARGE",
            f"Le fichier PDF pèse {_mib(len(data))} ; la taille maximale acceptée est "
            f"{_mib(limits.max_bytes)}.",
            f"The PDF file is {_mb(len(data))}; the largest accepted size is {_mb(limits.max_bytes)}.",
            fix_fr="Réduisez la taille du fichier (images moins lourdes) "
            "ou déposez-le en plusieurs factures.",
            fix_en="Make the file smaller (lighter images) or deposit it as several invoices.",
        )
    if b"%PDF-" not in data[:1024]:
        raise refusal(
            "PDF-MALFORMED",
            "Le fichier n'est pas un PDF (l'en-tête %PDF- est absent).",
            "The file is not a PDF (the %PDF- header is missing).",
            fix_fr="Enregistrez la facture au format PDF depuis votre logiciel (« Enregistrer sous… » PDF).",
            fix_en="Save the invoice as PDF from your software (“Save as…” PDF).",
        )
    if b"%%EOF" not in data[-1024:]:
        raise refusal(
            "PDF-MALFORMED",
            "Le fichier PDF est incomplet : sa fin (%%EOF) manque, il a sans doute été tronqué "
            "pendant l'envoi ou l'enregistrement.",
            "The PDF file is incomplete: its end (%%EOF) is missing; it was probably truncated "
            "while being sent or saved.",
            fix_fr="Enregistrez à nouveau la facture en PDF puis déposez-la encore.",
            fix_en="Save the invoice as PDF again and deposit it once more.",
        )


def _mib(size: int) -> str:
    """A size for French messages: "1,5 Mo", "900 o"."""
    return f"{size / MIB:.1f} Mo".replace(".", ",") if size >= MIB // 10 else f"{size} o"


def _mb(size: int) -> str:
    """A size for English messages: "1.5 MB", "900 B"."""
    return f"{size / MIB:.1f} MB" if size >= MIB // 10 else f"{size} B"


def _malformed(detail_fr: str = "", detail_en: str = "") -> EInvoiceError:
    suffix_fr = f" ({detail_fr})" if detail_fr else ""
    suffix_en = f" ({detail_en})" if detail_en else ""
    return refusal(
        "PDF-MALFORMED",
        f"Le fichier PDF est endommagé ou mal formé et ne peut pas être lu{suffix_fr}.",
        f"The PDF file is damaged or malformed and cannot be read{suffix_en}.",
        fix_fr="Enregistrez à nouveau la facture en PDF depuis votre logiciel puis déposez-la encore.",
        fix_en="Save the invoice as PDF again from your software and deposit it once more.",
    )


def _memory(limits: Limits) -> EInvoiceError:
    return refusal(
        "PDF-MEMORY",
        f"La lecture du PDF demande plus de {_mib(limits.memory_bytes)} de mémoire ; le fichier est refusé.",
        f"Reading the PDF needs more than {_mb(limits.memory_bytes)} of memory; the file is refused.",
        fix_fr="Déposez un PDF texte simple, sans images très lourdes.",
        fix_en="Deposit a plain text PDF without very heavy images.",
    )


def _timeout(limits: Limits) -> EInvoiceError:
    seconds = f"{limits.timeout_seconds:g}"
    return refusal(
        "PDF-TIMEOUT",
        f"La lecture du PDF a dépassé {seconds} secondes ; le fichier est trop complexe et est refusé.",
        f"Reading the PDF took longer than {seconds} seconds; the file is too complex and is refused.",
        fix_fr="Déposez un PDF texte simple, produit directement par votre logiciel de facturation.",
        fix_en="Deposit a plain text PDF produced directly by your invoicing software.",
    )


def _encrypted() -> EInvoiceError:
    return refusal(
        "PDF-ENCRYPTED",
        "Le fichier PDF est chiffré ou protégé par un mot de passe ; il ne peut pas être lu.",
        "The PDF file is encrypted or password-protected; it cannot be read.",
        fix_fr="Enregistrez la facture en PDF sans mot de passe ni protection puis déposez-la.",
        fix_en="Save the invoice as PDF without password or protection, then deposit it.",
    )


# --- in the parsing process -------------------------------------------------------------------


def _read_guarded(data: bytes, limits: Limits) -> TextDocument:
    """Parse the PDF; every failure becomes an `EInvoiceError`."""
    try:
        # The parser may warn about recoverable oddities of real-world files; they are not the
        # depositor's concern and must not reach the caller's warning filters.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"pypdfium2(\..*)?$")
            return _parse(data, limits)
    except EInvoiceError:
        raise
    except Exception as error:  # the parser's failure modes are open-ended
        if _caused_by(error, MemoryError):
            raise _memory(limits) from None
        if _caused_by(error, RecursionError):
            raise _malformed("structure trop imbriquée", "structure nested too deeply") from None
        raise _malformed() from error


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is in the chain of `error` (parsers wrap the underlying exceptions)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        wrapped = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = wrapped or current.__cause__ or current.__context__
    return False


def _parse(data: bytes, limits: Limits) -> TextDocument:
    # Imported on first use: only reading needs it (the forkserver preloads it).
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    check_inflated_size(data, limits)
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise _encrypted() from None
        raise _malformed() from None
    try:
        # A file encrypted with an empty user password opens; it is refused all the same.
        if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
            raise _encrypted()
        count = len(pdf)
        if count > limits.max_pages:
            raise _too_many_pages(count, limits)
        if count == 0:
            raise _malformed("aucune page", "no page")
        read: list[PageText] = []
        for index in range(count):
            page = pdf[index]
            try:
                read.append(page_from_pdfium(page, index + 1))
            finally:
                page.close()
        return TextDocument(pages=tuple(read))
    finally:
        pdf.close()


def _too_many_pages(count: int, limits: Limits) -> EInvoiceError:
    return refusal(
        "PDF-TOO-MANY-PAGES",
        f"Le PDF compte {count} pages ; une facture en compte au plus {limits.max_pages}.",
        f"The PDF has {count} pages; an invoice has at most {limits.max_pages}.",
        fix_fr="Déposez chaque facture dans son propre fichier, "
        "et les pièces justificatives en pièces jointes.",
        fix_en="Deposit each invoice in its own file, and supporting documents as attachments.",
    )


def check_inflated_size(data: bytes, limits: Limits) -> None:
    """Refuse a file whose FlateDecode streams inflate beyond `limits.max_inflated_bytes` in total.

    The streams are found by their `stream` keyword rather than through the parser, so that even
    object and cross-reference streams are measured before the parser inflates them whole. Streams
    that are not zlib data (JPEG images, plain text) are skipped.
    """
    budget = limits.max_inflated_bytes
    position = 0
    while budget >= 0:
        match = _STREAM_START.search(data, position)
        if match is None:
            return
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        position = end + len(b"endstream")
        if data[start : start + 1] not in (b"x", b"X", b"h", b"H"):
            continue  # not a zlib header
        decompressor = zlib.decompressobj()
        chunk = data[start:end]
        try:
            while not decompressor.eof and budget >= 0:
                inflated = decompressor.decompress(chunk, MIB)
                budget -= len(inflated)
                if not inflated and len(decompressor.unconsumed_tail) == len(chunk):
                    break  # input exhausted (a truncated stream) and no output pending
                chunk = decompressor.unconsumed_tail
        except zlib.error:
            continue
    raise refusal(
        "PDF-BOMB",
        f"Le PDF contient des données compressées qui occuperaient plus de "
        f"{_mib(limits.max_inflated_bytes)} une fois décompressées (« bombe de décompression ») ; "
        "le fichier est refusé.",
        f"The PDF contains compressed data that would take more than {_mb(limits.max_inflated_bytes)} "
        "once inflated (a decompression bomb); the file is refused.",
        fix_fr="Déposez la facture produite directement par votre logiciel de facturation.",
        fix_en="Deposit the invoice as produced directly by your invoicing software.",
    )


def _child_main(connection: multiprocessing.connection.Connection, data: bytes, limits: Limits) -> None:
    # The cap is on top of what the process already maps (a forked web worker maps a lot).
    memory = _mapped_bytes() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.timeout_seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    # The parser logs recoverable oddities of untrusted files; in this throw-away process they
    # would only clutter the server's error output.
    for name in ("pypdfium2",):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        result: TextDocument | Issue = _read_guarded(data, limits)
    except EInvoiceError as error:
        result = error.issue
    try:
        connection.send(result)
    except MemoryError:
        connection.send(_memory(limits).issue)
    finally:
        connection.close()


def _mapped_bytes() -> int:
    try:
        pages = Path("/proc/self/statm").read_text(encoding="ascii").split()[0]
        return int(pages) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _get_context() -> ForkContext | ForkServerContext | SpawnContext:
    """`fork` from a single-threaded process (cheapest); the preloaded forkserver otherwise."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        # The parser is imported before forking so that each child does not import it again.
        import pypdfium2  # noqa: F401

        return multiprocessing.get_context("fork")
    global _forkserver
    if _forkserver is None:
        if "forkserver" in methods:
            _forkserver = multiprocessing.get_context("forkserver")
            _forkserver.set_forkserver_preload(_PRELOAD)
        else:
            _forkserver = multiprocessing.get_context("spawn")
    return _forkserver


def _read_in_child(data: bytes, limits: Limits) -> TextDocument:
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, data, limits), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(limits.timeout_seconds):
            raise _timeout(limits)
        try:
            result = receiver.recv()
        except (EOFError, OSError):
            # The child died without answering: killed for its CPU time, or crashed.
            process.join(1)
            if process.exitcode == -signal.SIGXCPU:
                raise _timeout(limits) from None
            if process.exitcode == -signal.SIGABRT:
                # PDFium aborts the process when an allocation fails under the memory cap.
                raise _memory(limits) from None
            raise _malformed("le lecteur s'est arrêté", "the reader stopped") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        process.close()
    if isinstance(result, Issue):
        raise EInvoiceError(result)
    if not isinstance(result, TextDocument):
        raise _malformed()
    return result

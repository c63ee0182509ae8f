"""Hand-built PDFs for the refusal tests: image-only pages, bombs, encryption, many pages."""

from __future__ import annotations

import base64
import functools
import io
import struct
import zlib

from pypdf import PdfReader, PdfWriter

from tests.einvoice.pdf.pdf_layouts import render_pdf

MIB = 1024 * 1024


def raw_pdf(page_contents: list[bytes], *, extra_objects: list[bytes] | None = None) -> bytes:
    """A minimal valid PDF, one page per content stream (Helvetica as font /F1)."""
    objects: list[bytes] = []
    page_count = len(page_contents)
    # 1 catalog, 2 pages, 3 font, then per page: page object and content stream.
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(page_count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, content in enumerate(page_contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(content)
    objects.extend(extra_objects or [])
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def stream(data: bytes, *, flate: bool = False) -> bytes:
    if flate:
        return f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def text_page(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return stream(f"BT /F1 12 Tf 72 760 Td ({escaped}) Tj ET".encode("latin-1"))


@functools.cache
def bomb_pdf(inflated_mib: int) -> bytes:
    """One page whose content stream is `inflated_mib` MiB of spaces, deflated to a few KB/MB."""
    compressor = zlib.compressobj(9)
    chunk = b" " * MIB
    deflated = b"".join(compressor.compress(chunk) for _ in range(inflated_mib)) + compressor.flush()
    return raw_pdf([stream(deflated, flate=True)])


def png(width: int, height: int) -> bytes:
    """A grey-level PNG with a pattern (no image library needed)."""
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def image_only_pdf(*, with_text: str = "") -> bytes:
    """A page holding only a full-page picture, like a scanned invoice (optionally an OCR-like text)."""
    source = "data:image/png;base64," + base64.b64encode(png(120, 170)).decode()
    overlay = f"<p style='position:absolute; top:40pt; left:40pt'>{with_text}</p>" if with_text else ""
    return render_pdf(
        "<html><head><style>@page { size: A4; margin: 0 } body { margin: 0 }"
        "img { width: 210mm; height: 297mm; display: block }</style></head>"
        f"<body><img src='{source}'>{overlay}</body></html>"
    )


def encrypted(data: bytes, *, user_password: str = "") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

"""`openchorus convert FILE --to ubl|cii|facturx [-o OUT]`: convert an invoice between syntaxes.

Exit status: 0 when converted, 2 when the file cannot be read or converted (the reason, in French
and English, on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import get_args

from .. import MAX_FILE_BYTES, WriteSyntax, read, write
from ..errors import EInvoiceError

_SUFFIX = {"ubl": ".ubl.xml", "cii": ".cii.xml", "facturx": ".pdf"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openchorus convert",
        description="Convertit une facture (UBL, CII, Factur-X) dans une autre syntaxe / "
        "Convert an invoice (UBL, CII, Factur-X) to another syntax.",
    )
    parser.add_argument("file", type=Path, help="fichier source / source file")
    parser.add_argument(
        "--to", required=True, choices=get_args(WriteSyntax), help="syntaxe cible / target syntax"
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="fichier de sortie, à côté de la source par défaut / output file, next to the source by default",
    )
    return parser


def _fail(message_fr: str, message_en: str) -> int:
    sys.stderr.write(f"openchorus convert: {message_fr}\n  {message_en}\n")
    return 2


def run(argv: list[str]) -> int:
    """Run the command; returns the process exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or bad arguments (2): report, do not exit the caller
        return int(exc.code or 0)
    source: Path = args.file
    try:
        size = source.stat().st_size
        if size > MAX_FILE_BYTES:
            return _fail(
                f"{source} fait {size} octets, au-delà de la limite de {MAX_FILE_BYTES} octets.",
                f"{source} is {size} bytes, over the limit of {MAX_FILE_BYTES} bytes.",
            )
        data = source.read_bytes()
    except OSError as exc:
        return _fail(
            f"impossible de lire {source} ({exc.strerror}).", f"cannot read {source} ({exc.strerror})."
        )
    try:
        result = read(data)
        output = write(result.invoice, args.to)
    except EInvoiceError as exc:
        issue = exc.issue
        where = f" [{issue.location}]" if issue.location else ""
        return _fail(f"{source} : {issue.message_fr}{where}", f"{source}: {issue.message_en}{where}")
    target: Path = args.output or source.with_name(source.name.split(".")[0] + _SUFFIX[args.to])
    if target.resolve() == source.resolve():
        return _fail(
            f"le fichier de sortie {target} écraserait la source.",
            f"the output file {target} would overwrite the source.",
        )
    try:
        target.write_bytes(output)
    except OSError as exc:
        return _fail(
            f"impossible d'écrire {target} ({exc.strerror}).", f"cannot write {target} ({exc.strerror})."
        )
    for issue in result.issues:
        sys.stderr.write(f"openchorus convert: {issue.message_fr} [{issue.location}]\n")
    sys.stdout.write(f"{target}\n")
    return 0


def main() -> None:  # pragma: no cover - thin wrapper for `python -m`
    raise SystemExit(run(sys.argv[1:]))


if __name__ == "__main__":  # pragma: no cover
    main()

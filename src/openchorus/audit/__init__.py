"""Audit trail (INV-8, BYD-5): append-only, hash-chained events, verifiable offline."""

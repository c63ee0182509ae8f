"""Invoices (INV): the invoice record, its lines and files, drafts, sending checks and follow-up."""

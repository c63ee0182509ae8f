"""The deposit pipeline shared by the portal, the API and EDI (INV-3, INV-4, RAC-2, RAC-3)."""

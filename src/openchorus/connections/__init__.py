"""Raccordements (RAC): technical accounts of the API; later the EDI connections and webhooks."""

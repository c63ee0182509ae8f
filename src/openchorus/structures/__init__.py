"""Organisation (ORG): structures, services, bank details, attachments, mandates, memberships,
roles, requests, spaces and habilitations. `access.py` is THE rights policy."""

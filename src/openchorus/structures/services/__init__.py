"""Writes of the organisation app, one module per subject:

- `structures`: structures and their services (ORG-1..3, ORG-13);
- `memberships`: attachments, requests, roles, primary transfer, rights duplication (ORG-7, 8, 11, 12, ACC-8);
- `rights`: spaces, subscriptions and habilitations (ORG-9, ORG-10);
- `bank`: bank details (ORG-4); `files`: attachments and the billing mandate (ORG-5, ORG-6).
"""

"""The Chorus-Pro-compatible API (RAC-1, RAC-2): HTTP adapters over the domain's selectors and
services, mounted at /cpro/ (operations) and /api/oauth/token (PISTE-like token endpoint)."""

"""System checks for a deployment's configuration (`openchorus check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key_source(app_configs, **kwargs):
    """In production the secret key must come from the environment, not from a file on disk."""
    import os

    if not os.environ.get("OPENCHORUS_SECRET_KEY"):
        return [
            checks.Warning(
                "OPENCHORUS_SECRET_KEY is not set: the key generated in the data directory is used.",
                hint="Set OPENCHORUS_SECRET_KEY from your secret store on every web and worker node.",
                id="core.W001",
            )
        ]
    return []


@checks.register(checks.Tags.database, deploy=True)
def check_database_is_shared(app_configs, **kwargs):
    """Several web or worker machines need a shared database server, not SQLite."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return [
            checks.Warning(
                "The database is SQLite: fine for one machine, not for several web or worker nodes.",
                hint="Set DATABASE_URL to a PostgreSQL server (docs/operations.md).",
                id="core.W002",
            )
        ]
    return []

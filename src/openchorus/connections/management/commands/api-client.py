"""`openchorus api-client create --siret S [--login L] [--label NAME] [--json]`: a technical account
for a structure, as a manager requests it in the portal (for integrators and tests).

`--json` prints `client_id`, `client_secret`, `login`, `password` (and the password's expiry); the
secrets are shown this once only. `openchorus api-client revoke --login L` revokes one.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from openchorus.connections import services
from openchorus.connections.models import TechnicalAccount
from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import IdentifierType
from openchorus.structures.models import Structure


class Command(BaseCommand):
    help = "Technical accounts of the API (comptes techniques): create, revoke."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a technical account for a structure")
        create.add_argument("--siret", required=True, help="identifier of the structure (SIRET or other)")
        create.add_argument("--login", default="", help="login of the account (generated if absent)")
        create.add_argument("--label", default="", help="a name for the connection")
        create.add_argument("--json", action="store_true", help="print the credentials as JSON")
        revoke = actions.add_parser("revoke", help="revoke a technical account")
        revoke.add_argument("--login", required=True)

    def handle(self, *args, action: str, **options):
        try:
            if action == "create":
                self._create(options)
            else:
                self._revoke(options["login"])
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None

    def _create(self, options) -> None:
        identifier = options["siret"].replace(" ", "")
        structures = list(Structure.objects.filter(identifier=identifier))
        if not structures:
            raise CommandError(f"No structure with the identifier {identifier}.")
        if len(structures) > 1:
            structures = [s for s in structures if s.identifier_type == IdentifierType.SIRET] or structures
        credentials = services.technical_account_create(
            actor=None, structure=structures[0], login=options["login"], label=options["label"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(credentials.as_dict(), indent=2))
            return
        for name, value in credentials.as_dict().items():
            self.stdout.write(f"{name}: {value}")
        self.stdout.write("The client secret and the password are shown this once only.")

    def _revoke(self, login: str) -> None:
        account = TechnicalAccount.objects.filter(login=login).select_related("structure").first()
        if account is None:
            raise CommandError(f"No technical account {login}.")
        services.technical_account_revoke(actor=None, account=account)
        self.stdout.write(f"Revoked: {login}")

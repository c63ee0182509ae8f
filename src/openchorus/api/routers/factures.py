"""`/cpro/factures/v1/…`: mounted now, its operations come with the invoices' API work."""

from openchorus.api.routing import CproRouter

router = CproRouter()

from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "openchorus.invoices"
    label = "invoices"
    verbose_name = "Factures"

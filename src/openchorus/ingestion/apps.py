from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "openchorus.ingestion"
    label = "ingestion"
    verbose_name = "Dépôt des factures"

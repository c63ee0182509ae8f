from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openchorus.audit"
    label = "audit"
    verbose_name = "Piste d'audit"

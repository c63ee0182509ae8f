from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "openchorus.lifecycle"
    label = "lifecycle"
    verbose_name = "Cycle de vie des factures"

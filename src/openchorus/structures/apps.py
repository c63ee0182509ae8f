from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "openchorus.structures"
    label = "structures"
    verbose_name = "Organisation"

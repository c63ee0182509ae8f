from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "openchorus.flows"
    label = "flows"
    verbose_name = "Flux EDI"

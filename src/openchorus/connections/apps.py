from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "openchorus.connections"
    label = "connections"
    verbose_name = "Raccordements"

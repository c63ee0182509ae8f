from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "openchorus.portal"
    label = "portal"
    verbose_name = "Portail"

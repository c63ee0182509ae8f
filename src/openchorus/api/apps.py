from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openchorus.api"
    label = "api"
    verbose_name = "API Chorus Pro"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openchorus.core"
    label = "core"
    verbose_name = "OpenChorus"

    def ready(self) -> None:
        from openchorus.core import checks  # noqa: F401  (registers the system checks)

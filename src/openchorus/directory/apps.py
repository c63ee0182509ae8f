from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "openchorus.directory"
    label = "directory"
    verbose_name = _("Annuaire des structures publiques")
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "openchorus.notifications"
    label = "notifications"
    verbose_name = "Notifications"

from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "openchorus.assistant"
    label = "assistant"
    verbose_name = "Contenus et assistance"

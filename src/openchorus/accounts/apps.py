from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openchorus.accounts"
    label = "accounts"
    verbose_name = "Comptes"

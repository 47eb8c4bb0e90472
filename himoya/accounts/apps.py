from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "himoya.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from himoya.accounts import events, mfa_secrets, policies, signals  # noqa: F401

        mfa_secrets.connect()

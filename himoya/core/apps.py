from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender: object, **kwargs: object) -> None:
    from django.core.management import call_command

    call_command("createcachetable", database=str(kwargs.get("using", "default")), verbosity=0)


class CoreConfig(AppConfig):
    name = "himoya.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self)
        from django.contrib import admin

        from himoya.core import (
            checks,  # noqa: F401  (registers system checks)
            events,  # noqa: F401  (declares the core's events)
            tasks,  # noqa: F401  (binds the audit context of running tasks)
        )
        from himoya.core.admin import restrict_other_admins

        # django.contrib.admin comes first in INSTALLED_APPS: its ready() has loaded
        # every app's admin module by now.
        restrict_other_admins(admin.site)

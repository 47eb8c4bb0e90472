"""The admin site: who may open /staff/admin/ at all.

Django lets in any active ``is_staff`` account; here the rule is the ``admin.site``
policy (accounts and reference data say who), so a reference data steward reaches the
shared vocabularies without being made ``is_staff``. Each model admin then decides
what its model shows, and most are the instance superusers' only.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from himoya.core.policies import can


class HimoyaAdminSite(AdminSite):
    site_header = "Himoya"
    site_title = "Himoya"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or can(user, "admin.site")))


class HimoyaAdminConfig(AdminConfig):
    default_site = "himoya.core.admin_site.HimoyaAdminSite"

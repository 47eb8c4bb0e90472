"""Wagtail reads this module of every installed app; our hooks are registered here so
that their modules (``cms_lockdown``) stay plain functions that tests can call."""

from wagtail import hooks

from himoya.public_site import cms_lockdown

hooks.register("construct_main_menu", cms_lockdown.main_menu)
hooks.register("construct_settings_menu", cms_lockdown.main_menu)
hooks.register("construct_explorer_page_queryset", cms_lockdown.explorer_pages)
hooks.register("construct_page_chooser_queryset", cms_lockdown.chooser_pages)

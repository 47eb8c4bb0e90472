from django import template

from himoya.outreach.phones import display_hotline

register = template.Library()


@register.filter
def hotline(number: str) -> str:
    return display_hotline(number)

"""Money (万元, two decimals) and rates in the funding templates, through ``config.formatting``."""

from django import template

from config.formatting import format_money, format_percent

register = template.Library()


@register.filter
def money(value) -> str:
    return format_money(value)


@register.filter
def percent(value) -> str:
    return format_percent(value)

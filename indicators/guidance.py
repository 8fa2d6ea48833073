"""填报说明: what each data element means and which rules it must meet (SPEC §3), for the help page and the
hints beside each field of the entry form. The rules come from the catalogue, the same ones the parser applies."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import catalogue
from .models import DataElement, ValueType


@dataclass
class ElementGuide:
    element: DataElement
    rules: list[str] = field(default_factory=list)


def element_rules(elements: list[DataElement]) -> dict[str, list[str]]:
    """``{code: [rule text, …]}`` for ``elements``: the checks the entry form and the import apply."""
    names = {e.code: e.name for e in elements}
    rules: dict[str, list[str]] = {e.code: [] for e in elements}
    for element in elements:
        own = rules[element.code]
        if element.is_derived:
            own.append(_("Computed from the training and publicity records: not typed."))
            continue
        if element.value_type == ValueType.BOOLEAN:
            own.append(_("Yes or no (also Y/N or 1/0)."))
            continue
        own.append(
            _("A whole number, 0 or more.")
            if element.value_type == ValueType.INTEGER
            else _("An amount, 0 or more, at most 4 decimals.")
        )
    for smaller, larger in catalogue.NOT_GREATER_THAN:
        if smaller in rules and larger in rules:
            rules[smaller].append(_("Must not exceed “%(other)s”.") % {"other": names[larger]})
    if "population" in rules:
        rules["population"].append(
            _("At least %(minimum)s: the unit is persons, not ten thousands of persons.")
            % {"minimum": f"{catalogue.MIN_POPULATION:,}"}
        )
    return rules


def guides() -> list[ElementGuide]:
    elements = list(DataElement.objects.order_by("order", "code"))
    rules = element_rules(elements)
    return [ElementGuide(element=e, rules=rules[e.code]) for e in elements]


def change_warning_percent() -> int:
    return int(catalogue.WARNING_CHANGE_RATIO * 100)

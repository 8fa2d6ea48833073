"""Template tags of the indicators app."""

from django import template

from ..guidance import element_rules
from ..models import DataElement
from ..selectors import grade_labels

register = template.Library()


@register.simple_tag(takes_context=True)
def grade_label(context, grade: str) -> str:
    """``{% grade_label score.grade %}``: a stored grade (the band's Chinese name) in the user's language."""
    if not grade:
        return grade or ""
    labels = context.render_context.get("grade_labels")
    if labels is None:
        labels = context.render_context["grade_labels"] = grade_labels()
    return labels.get(grade, grade)


@register.simple_tag(takes_context=True)
def field_rules(context, element) -> str:
    """``{% field_rules element %}``: the rules of a data element (填报说明) as one line, for inline hints."""
    rules = context.render_context.get("field_rules")
    if rules is None:
        rules = context.render_context["field_rules"] = element_rules(list(DataElement.objects.all()))
    return " ".join(rules.get(element.code, []))

"""The acceptance rules (验收规则) behind the proposed conclusion: edited by the regional office, with history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from config.access import require_region
from config.errors import PortalError, message_for

from ..acceptance import update_acceptance_rule
from ..assessment import rule_label
from ..forms import AcceptanceRuleForm
from ..models import AcceptanceRule


@login_required
def acceptance_rule_edit(request, kind):
    require_region(request.user, _("Only the regional office may change the acceptance rules."))
    rule = get_object_or_404(AcceptanceRule, kind=kind)
    form = AcceptanceRuleForm(request.POST or None, rule=rule, initial=AcceptanceRuleForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_acceptance_rule(
                rule=rule,
                user=request.user,
                enabled=form.cleaned_data["enabled"],
                grade=form.cleaned_data.get("grade", ""),
                threshold=form.threshold(),
                reason=form.cleaned_data["reason"],
            )
        except PortalError as exc:
            form.add_error(None, message_for(exc))
        else:
            if changed:
                rule.refresh_from_db()
                messages.success(request, _("%(rule)s updated.") % {"rule": rule_label(rule)})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("indicators:catalogue")
    context = {
        "form": form,
        "rule": rule,
        "label": rule_label(rule),
        "history": [
            {"record": record, "label": rule_label(record)}
            for record in rule.history.select_related("history_user").order_by("-history_date")[:20]
        ],
    }
    return render(request, "indicators/catalogue/acceptance_rule.html", context)


urlpatterns = [
    path("catalogue/acceptance/<slug:kind>/", acceptance_rule_edit, name="acceptance_rule_edit"),
]

"""Pages of the funding app: the regional overview, a county's fund ledger, entry forms per role, an entry with
its evidence and history, and the tranche gate settings. Views are thin: the services write (and check who may),
the selectors read, every lookup goes through ``counties.scoping`` (404 outside the user's scope)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.access import COUNTY_STAFF, NotAllowed, is_region, require_region, role_of
from config.errors import PortalError
from config.evidence import evidence_response
from config.pagecache import render_page
from counties.scoping import get_county_or_404, get_in_scope_or_404, visible_leagues
from indicators.exporting import xlsx_response

from . import selectors, services
from .audit import detail_sheet, overview_sheet
from .forms import EntryForm, EvidenceForm, GateSettingsForm
from .gate import condition_labels, tranche_gate
from .models import FundEntry, FundEvidence, Kind, Source, TrancheGateSettings
from .permissions import may_import, may_write, may_write_any, require_may_write

PAGE_SIZE = 50
DEFAULT_THRESHOLD = Decimal("0.5")


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _fraction(value, default: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default
    if not number.is_finite() or number < 0:
        return default
    return number / 100 if number > 1 else number


@login_required
def overview(request):
    """Execution by league and county, idle money, counties below a threshold, matching ratio per league."""
    user = request.user
    if role_of(user) == COUNTY_STAFF and user.county_id:
        return redirect("funding:ledger", code=user.county.code)
    year = _int(request.GET.get("year"))
    league = request.GET.get("league", "").strip()
    scope = request.GET.get("scope", "pilots")
    threshold = _fraction(request.GET.get("below"), DEFAULT_THRESHOLD)

    def leagues():
        return selectors.overview(
            user, year=year, league=league, pilots_only=scope != "all", threshold=threshold
        )

    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"资金执行-{year}.xlsx" if year else "资金执行.xlsx", [overview_sheet(leagues())]
        )

    def body():
        by_league = leagues()
        rows = [row for league_row in by_league for row in league_row.counties]
        this_year = timezone.localdate().year
        return {
            "leagues": by_league,
            "total": selectors.grand_total(by_league),
            "idle_rows": [row for row in rows if row.cumulative.idle],
            "below_rows": [row for row in rows if row.below],
            "year": year,
            "years": list(range(this_year, this_year - 8, -1)),
            "league": league,
            "league_choices": visible_leagues(user),
            "scope": scope,
            "threshold": threshold,
            "threshold_percent": (threshold * 100).normalize(),
            "chart": selectors.chart_data(by_league)
            | {
                "names": {
                    "allocated": _("Allocated"),
                    "disbursed": _("Disbursed"),
                    "spent": _("Spent"),
                    "execution": _("Execution rate"),
                    "amount": _("10,000 yuan"),
                }
            },
            "querystring": request.GET.urlencode(),
            "may_import": may_import(user),
        }

    return render_page(request, "funding/overview.html", body)


@login_required
def ledger(request, code):
    """A county's fund ledger: by source allocated / disbursed / spent / balance, its entries, exports."""
    user = request.user
    county = get_county_or_404(user, code)
    filters = {
        "year": _int(request.GET.get("year")),
        "kind": request.GET.get("kind", ""),
        "source": request.GET.get("source", ""),
        "q": request.GET.get("q", "").strip(),
    }
    entries = selectors.entry_list(user, county=county, **filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"资金台账-{county.code}.xlsx", [detail_sheet(entries)])

    def body():
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return {
            "figures": selectors.figures_for(county),
            "year_figures": selectors.figures_for(county, year=filters["year"]) if filters["year"] else None,
            "page_obj": page,
            "entries": page.object_list,
            "filters": filters,
            "years": selectors.ledger_years(user, county),
            "kinds": Kind.choices,
            "sources": Source.choices,
            "querystring": query.urlencode(),
            "may_write": may_write_any(user, county),
            "gate": tranche_gate(county)
            if may_write(user, county, Kind.DISBURSEMENT, Source.REGIONAL)
            else None,
        }

    return render_page(request, "funding/ledger.html", body, county=county)


def _form_error(form, error: PortalError) -> None:
    for message in getattr(error, "problems", None) or [error.message]:
        form.add_error(None, message)


@login_required
def entry_create(request, code):
    user = request.user
    county = get_county_or_404(user, code)
    if not may_write_any(user, county):
        raise NotAllowed(_("You may not record funds of %(county)s.") % {"county": county.name})
    initial = {
        "kind": request.GET.get("kind", ""),
        "source": request.GET.get("source", ""),
        "date": timezone.localdate(),
    }
    form = EntryForm(request.POST or None, user=user, county=county, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_fund_entry(
                user=user,
                county=county,
                override_reason=form.cleaned_data["override_reason"],
                **form.entry_fields(),
            )
        except PortalError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The entry was recorded."))
            return redirect("funding:entry_detail", pk=entry.pk)
    return render(
        request,
        "funding/entry_form.html",
        {
            "form": form,
            "county": county,
            "entry": None,
            "gate": tranche_gate(county)
            if may_write(user, county, Kind.DISBURSEMENT, Source.REGIONAL)
            else None,
        },
    )


def _entry(request, pk) -> FundEntry:
    return get_in_scope_or_404(
        request.user, FundEntry.objects.select_related("county", "county__league", "created_by"), pk=pk
    )


def _writable_entry(request, pk) -> FundEntry:
    entry = _entry(request, pk)
    require_may_write(request.user, entry.county, entry.kind, entry.source)
    return entry


@login_required
def entry_detail(request, pk):
    entry = _entry(request, pk)
    return render(
        request,
        "funding/entry_detail.html",
        {
            "entry": entry,
            "evidence": list(entry.evidence.select_related("uploaded_by")),
            "may_change": may_write(request.user, entry.county, entry.kind, entry.source),
            "evidence_form": EvidenceForm(),
            "gate_failures": condition_labels(entry.gate_failures or []),
            "history": selectors.entry_history(entry),
        },
    )


@login_required
def entry_update(request, pk):
    user = request.user
    entry = _writable_entry(request, pk)
    initial = {
        "kind": entry.kind,
        "source": entry.source,
        "date": entry.date,
        "amount": entry.amount,
        "doc_no": entry.doc_no,
        "category": entry.category,
        "description": entry.description,
        "override_reason": entry.override_reason,
    }
    form = EntryForm(request.POST or None, user=user, county=entry.county, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_fund_entry(
                user=user,
                entry=entry,
                override_reason=form.cleaned_data["override_reason"],
                **form.entry_fields(),
            )
        except PortalError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The entry was saved."))
            return redirect("funding:entry_detail", pk=entry.pk)
    return render(request, "funding/entry_form.html", {"form": form, "county": entry.county, "entry": entry})


@login_required
def entry_delete(request, pk):
    entry = _writable_entry(request, pk)
    if request.method == "POST":
        try:
            services.delete_fund_entry(user=request.user, entry=entry)
        except PortalError as exc:
            messages.error(request, exc.message)
            return redirect("funding:entry_detail", pk=entry.pk)
        messages.success(request, _("The entry “%(doc)s” was deleted.") % {"doc": entry.doc_no})
        return redirect("funding:ledger", code=entry.county.code)
    return render(request, "funding/entry_confirm_delete.html", {"entry": entry})


@login_required
@require_POST
def evidence_upload(request, pk):
    entry = _writable_entry(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_fund_evidence(user=request.user, entry=entry, uploaded=form.cleaned_data["file"])
        except PortalError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The evidence file was attached."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("funding:entry_detail", pk=entry.pk)


def _evidence(request, pk) -> FundEvidence:
    return get_in_scope_or_404(
        request.user,
        FundEvidence.objects.select_related("entry", "entry__county"),
        county_field="entry__county",
        pk=pk,
    )


@login_required
def evidence_download(request, pk):
    evidence = _evidence(request, pk)
    return evidence_response(evidence)


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = _evidence(request, pk)
    services.delete_fund_evidence(user=request.user, evidence=evidence)
    messages.success(request, _("The evidence file was removed."))
    return redirect("funding:entry_detail", pk=evidence.entry_id)


@login_required
def gate_settings(request):
    """The tranche gate's conditions: shown to everyone who reads funds, edited by the regional office."""
    gate = TrancheGateSettings.current()
    editable = is_region(request.user)
    if request.method == "POST":
        require_region(request.user)
    form = GateSettingsForm(
        request.POST or None,
        initial={
            "min_grade": gate.min_grade,
            "max_red_findings": gate.max_red_findings,
            "min_spent_rate": gate.min_spent_rate,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_gate_settings(user=request.user, **form.cleaned_data)
        except PortalError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The tranche gate settings were saved."))
            return redirect("funding:gate_settings")
    overridden = (
        selectors.entry_list(request.user, kind=Kind.DISBURSEMENT, source=Source.REGIONAL)
        .exclude(override_reason="")
        .order_by("-date")[:50]
    )
    return render(
        request,
        "funding/gate_settings.html",
        {"form": form, "gate": gate, "editable": editable, "overridden": overridden},
    )

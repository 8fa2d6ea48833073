"""Writes of the fund ledger; every path (forms, edit, delete, Excel import, admin) goes through these functions.

Invariants enforced here:

* who writes what: ``funding.permissions.may_write`` (role × source × county), auditors never;
* amounts are ``Decimal`` 万元 with at most two decimals, positive; a document number (文号 / 凭证号) is required
  and identifies an entry with its county, kind and source; expenditures carry a category, others none;
* per (county, source), on cumulative totals: disbursed ≤ allocated and spent ≤ disbursed. Every write first
  locks the ``FundBalance`` row of each (county, source) it touches (``select_for_update``, in a fixed order so
  that writers never deadlock), applies the change, recomputes the totals from the stored entries and refuses
  the whole write (``InvariantBroken``, naming county, source and amounts) if a pair breaks an invariant. Two
  concurrent writes of the same pair are serialised by the lock, so they cannot break an invariant together;
* a regional disbursement after the county's first passes the tranche gate (``funding.gate``) or carries an
  override reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import require_region
from config.errors import InvalidInput, InvariantBroken, PortalError
from config.evidence import attach_evidence, delete_evidence_files
from config.formatting import format_money
from counties.models import County
from indicators.models import GradeBand

from .gate import GateFailed, tranche_gate
from .models import ZERO, Category, FundBalance, FundEntry, FundEvidence, Kind, Source, TrancheGateSettings
from .permissions import require_may_write

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
FIRST_YEAR = 2000
ENTRY_FIELDS = ("county", "kind", "source", "date", "amount", "doc_no", "category", "description")


def _as(user, instance):
    """Record ``user`` as the author of ``instance``'s next history entry (also outside a request)."""
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    return instance


# -- validation -----------------------------------------------------------------------------------------


def clean_amount(value) -> Decimal:
    """A positive ``Decimal`` with at most two decimals (never a float), else ``InvalidInput``."""
    if isinstance(value, float):
        value = str(value)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("The amount “%(value)s” is not a number.") % {"value": value}) from None
    if not amount.is_finite():
        raise InvalidInput(_("The amount “%(value)s” is not a number.") % {"value": value})
    if amount <= 0:
        raise InvalidInput(_("The amount must be positive."))
    if amount != amount.quantize(CENT):
        raise InvalidInput(_("The amount has more than two decimals (万元 to the hundredth)."))
    if amount > MAX_AMOUNT:
        raise InvalidInput(_("The amount is too large."))
    return amount.quantize(CENT)


def clean_fields(fields: dict) -> dict:
    """Check and normalise an entry's fields; ``InvalidInput`` lists every problem."""
    problems = []
    cleaned = dict(fields)
    if not isinstance(cleaned.get("county"), County):
        problems.append(_("Choose the county."))
    if cleaned.get("kind") not in Kind.values:
        problems.append(_("Choose allocation, disbursement or expenditure."))
    if cleaned.get("source") not in Source.values:
        problems.append(_("Choose the source of the funds."))
    date = cleaned.get("date")
    if not isinstance(date, datetime.date):
        problems.append(_("Enter the date."))
    elif date > timezone.localdate():
        problems.append(_("The date is in the future: record entries once they have happened."))
    elif date.year < FIRST_YEAR:
        problems.append(_("The date is before %(year)s.") % {"year": FIRST_YEAR})
    try:
        cleaned["amount"] = clean_amount(cleaned.get("amount"))
    except InvalidInput as exc:
        problems.append(exc.message)
    cleaned["doc_no"] = (cleaned.get("doc_no") or "").strip()
    if not cleaned["doc_no"]:
        problems.append(_("Enter the document number (文号 or 凭证号)."))
    cleaned["description"] = (cleaned.get("description") or "").strip()
    category = (cleaned.get("category") or "").strip()
    if cleaned.get("kind") == Kind.EXPENDITURE:
        if category not in Category.values:
            problems.append(_("Choose the expenditure category."))
    else:
        category = ""
    cleaned["category"] = category
    if problems:
        raise InvalidInput(problems=problems)
    return cleaned


def _ensure_unique(cleaned: dict, *, exclude_pk: int | None = None) -> None:
    clash = FundEntry.objects.filter(
        county=cleaned["county"], kind=cleaned["kind"], source=cleaned["source"], doc_no=cleaned["doc_no"]
    )
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise InvalidInput(
            _("%(county)s already has %(kind)s of the %(source)s with the document number “%(doc)s”.")
            % {
                "county": cleaned["county"].name,
                "kind": Kind(cleaned["kind"]).label,
                "source": Source(cleaned["source"]).label,
                "doc": cleaned["doc_no"],
            }
        )


# -- the lock and the invariants --------------------------------------------------------------------------


def lock_balances(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], FundBalance]:
    """Lock the ``FundBalance`` rows of ``(county_id, source)`` pairs (created if missing), in a fixed order."""
    pairs = sorted(set((int(c), s) for c, s in pairs))
    FundBalance.objects.bulk_create(
        [FundBalance(county_id=c, source=s) for c, s in pairs], ignore_conflicts=True
    )
    locked = {}
    for county_id, source in pairs:
        locked[(county_id, source)] = FundBalance.objects.select_for_update().get(
            county_id=county_id, source=source
        )
    return locked


def stored_totals(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], dict[str, Decimal]]:
    """Cumulative allocated / disbursed / spent of each pair from the stored entries (one query)."""
    pairs = set(pairs)
    totals = {pair: {kind: ZERO for kind in Kind.values} for pair in pairs}
    if not pairs:
        return totals
    condition = Q()
    for county_id, source in pairs:
        condition |= Q(county_id=county_id, source=source)
    rows = (
        FundEntry.objects.filter(condition)
        .values("county_id", "source", "kind")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        totals[(row["county_id"], row["source"])][row["kind"]] = row["total"]
    return totals


def invariant_problems(pairs: Iterable[tuple[int, str]]) -> list[str]:
    """What breaks an invariant in the stored entries of ``pairs`` (call under their lock)."""
    pairs = set(pairs)
    totals = stored_totals(pairs)
    names = dict(County.objects.filter(pk__in={c for c, _s in pairs}).values_list("pk", "name"))
    problems = []
    for (county_id, source), sums in sorted(totals.items()):
        allocated = sums[Kind.ALLOCATION]
        disbursed = sums[Kind.DISBURSEMENT]
        spent = sums[Kind.EXPENDITURE]
        where = {"county": names.get(county_id, county_id), "source": Source(source).label}
        if disbursed > allocated:
            problems.append(
                _(
                    "%(county)s, %(source)s: disbursed %(disbursed)s 10,000 yuan would exceed "
                    "allocated %(allocated)s 10,000 yuan."
                )
                % {**where, "disbursed": format_money(disbursed), "allocated": format_money(allocated)}
            )
        if spent > disbursed:
            problems.append(
                _(
                    "%(county)s, %(source)s: spent %(spent)s 10,000 yuan would exceed "
                    "disbursed %(disbursed)s 10,000 yuan."
                )
                % {**where, "spent": format_money(spent), "disbursed": format_money(disbursed)}
            )
    return problems


def check_and_store_balances(balances: dict[tuple[int, str], FundBalance]) -> None:
    """Refuse (``InvariantBroken``) if a locked pair breaks an invariant, else store its new totals."""
    problems = invariant_problems(balances)
    if problems:
        raise InvariantBroken("；".join(problems))
    totals = stored_totals(balances)
    for pair, balance in balances.items():
        sums = totals[pair]
        balance.allocated = sums[Kind.ALLOCATION]
        balance.disbursed = sums[Kind.DISBURSEMENT]
        balance.spent = sums[Kind.EXPENDITURE]
        balance.save(update_fields=["allocated", "disbursed", "spent", "updated_at"])


# -- entries ---------------------------------------------------------------------------------------------


def _apply_gate(user, entry: FundEntry, override_reason: str, *, first_exempt: bool = True) -> None:
    """For a new regional disbursement: check the tranche gate; a failure needs (and stores) the override."""
    if entry.kind != Kind.DISBURSEMENT or entry.source != Source.REGIONAL:
        return
    check = tranche_gate(entry.county, first_exempt=first_exempt)
    if check.passed:
        return
    override_reason = (override_reason or "").strip()
    if not override_reason:
        raise GateFailed(
            _("The tranche gate of %(county)s failed (%(failures)s): enter an override reason to release it.")
            % {"county": entry.county.name, "failures": check.failure_text()}
        )
    entry.override_reason = override_reason
    entry.gate_failures = check.failures


@transaction.atomic
def create_fund_entry(
    *,
    user,
    county: County,
    kind: str,
    source: str,
    date: datetime.date,
    amount,
    doc_no: str,
    category: str = "",
    description: str = "",
    override_reason: str = "",
) -> FundEntry:
    """Record a new ledger entry; refused whole if it breaks an invariant of (county, source)."""
    cleaned = clean_fields(
        {
            "county": county,
            "kind": kind,
            "source": source,
            "date": date,
            "amount": amount,
            "doc_no": doc_no,
            "category": category,
            "description": description,
        }
    )
    require_may_write(user, county, kind, source)
    balances = lock_balances([(county.pk, source)])
    _ensure_unique(cleaned)
    entry = FundEntry(created_by=user if getattr(user, "is_authenticated", False) else None, **cleaned)
    _apply_gate(user, entry, override_reason)
    _as(user, entry).save()
    check_and_store_balances(balances)
    return entry


@transaction.atomic
def update_fund_entry(*, user, entry: FundEntry, override_reason: str | None = None, **changes) -> FundEntry:
    """Change an entry (any of ``ENTRY_FIELDS``); the user must be allowed to write both the old and new pair."""
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    current = FundEntry.objects.select_related("county").get(pk=entry.pk)
    require_may_write(user, current.county, current.kind, current.source)
    merged = {name: getattr(current, name) for name in ENTRY_FIELDS} | changes
    cleaned = clean_fields(merged)
    require_may_write(user, cleaned["county"], cleaned["kind"], cleaned["source"])
    balances = lock_balances([(current.county_id, current.source), (cleaned["county"].pk, cleaned["source"])])
    current = FundEntry.objects.select_for_update().select_related("county").get(pk=entry.pk)
    _ensure_unique(cleaned, exclude_pk=current.pk)
    for name, value in cleaned.items():
        setattr(current, name, value)
    if override_reason is not None and current.override_reason:
        current.override_reason = override_reason.strip() or current.override_reason
    _as(user, current).save()
    check_and_store_balances(balances)
    return current


@transaction.atomic
def delete_fund_entry(*, user, entry: FundEntry) -> None:
    """Delete an entry (and its evidence files once committed); refused if the pair would break an invariant."""
    current = FundEntry.objects.select_related("county").get(pk=entry.pk)
    require_may_write(user, current.county, current.kind, current.source)
    balances = lock_balances([(current.county_id, current.source)])
    current = FundEntry.objects.select_for_update().get(pk=entry.pk)
    files = [evidence.file.name for evidence in current.evidence.all()]
    for evidence in current.evidence.all():
        _as(user, evidence).delete()
    _as(user, current).delete()
    check_and_store_balances(balances)
    delete_evidence_files(files, FundEvidence._meta.get_field("file").storage)


@transaction.atomic
def add_fund_evidence(*, user, entry: FundEntry, uploaded) -> FundEvidence:
    """Attach a checked evidence file (voucher, invoice) to an expenditure."""
    entry = FundEntry.objects.select_related("county").get(pk=entry.pk)
    require_may_write(user, entry.county, entry.kind, entry.source)
    if entry.kind != Kind.EXPENDITURE:
        raise InvalidInput(_("Evidence files belong to expenditures."))
    return attach_evidence(model=FundEvidence, user=user, uploaded=uploaded, entry=entry)


@transaction.atomic
def delete_fund_evidence(*, user, evidence: FundEvidence) -> None:
    entry = evidence.entry
    require_may_write(user, entry.county, entry.kind, entry.source)
    name = evidence.file.name
    storage = evidence.file.storage
    _as(user, evidence).delete()
    delete_evidence_files([name], storage)


@transaction.atomic
def update_gate_settings(
    *, user, min_grade: str, max_red_findings: int, min_spent_rate
) -> TrancheGateSettings:
    """Change the tranche gate's conditions (regional office only)."""
    require_region(user)
    problems = []
    if min_grade not in set(GradeBand.objects.values_list("name", flat=True)):
        problems.append(_("Choose one of the grade bands."))
    if max_red_findings is None or int(max_red_findings) < 0:
        problems.append(_("The number of red findings allowed cannot be negative."))
    try:
        rate = Decimal(str(min_spent_rate))
    except InvalidOperation:
        rate = None
    if rate is None or not (Decimal(0) <= rate <= Decimal(1)):
        problems.append(_("The spent share must be a fraction between 0 and 1."))
    if problems:
        raise InvalidInput(problems=problems)
    gate = TrancheGateSettings.current()
    gate.min_grade = min_grade
    gate.max_red_findings = int(max_red_findings)
    gate.min_spent_rate = rate.quantize(Decimal("0.0001"))
    _as(user, gate).save()
    return gate


# -- many rows at once (the Excel import) -----------------------------------------------------------------


@dataclass
class RowOutcome:
    row: int
    action: str  # "create", "change", "unchanged"
    entry: FundEntry | None = None
    changes: dict = field(default_factory=dict)


@dataclass
class LedgerImport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rows: list[RowOutcome] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)  # (row number or None, message)

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportRefused(InvalidInput):
    """An import refused whole; ``outcome.problems`` lists every problem."""

    def __init__(self, outcome: LedgerImport):
        self.outcome = outcome
        super().__init__(problems=[f"{row}: {m}" if row else m for row, m in outcome.problems])


COMPARED = ("date", "amount", "category", "description")


def import_fund_rows(*, user, rows: list[dict], dry_run: bool = False) -> LedgerImport:
    """Write many entries at once, all or nothing; each row is a dict of ``ENTRY_FIELDS`` plus ``row``.

    A row is identified by (county, kind, source, doc_no): a stored entry with that identity is changed if its
    date, amount, category or description differ, and left alone otherwise, so importing the same rows twice
    changes nothing. Each row is checked against what the user may write; the invariants are checked over the
    stored and imported entries together, under the locks of every pair touched. A new regional disbursement
    must pass the tranche gate (a file carries no override reason: release such a tranche in the browser); the
    first one of a county is exempt only if the county has none stored and it is the earliest in the file.
    ``dry_run`` computes the same outcome and rolls everything back. Refusals raise ``ImportRefused``.
    """
    outcome = LedgerImport()
    try:
        with transaction.atomic():
            _import_rows(user, rows, outcome)
            if outcome.problems:
                raise ImportRefused(outcome)
            if dry_run:
                transaction.set_rollback(True)
    except ImportRefused:
        raise
    except InvariantBroken as exc:
        outcome.problems.append((None, exc.message))
        raise ImportRefused(outcome) from exc
    return outcome


def _identity(cleaned: dict) -> tuple:
    return (cleaned["county"].pk, cleaned["kind"], cleaned["source"], cleaned["doc_no"])


def _clean_row(user, raw: dict, outcome: LedgerImport) -> dict | None:
    """The row's cleaned fields, or ``None`` with its problems (invalid input, not allowed) recorded."""
    try:
        cleaned = clean_fields({name: raw.get(name) for name in ENTRY_FIELDS})
        require_may_write(user, cleaned["county"], cleaned["kind"], cleaned["source"])
    except PortalError as exc:  # invalid input or not allowed
        number = raw.get("row")
        outcome.problems.extend(
            (number, message) for message in (getattr(exc, "problems", None) or [exc.message])
        )
        return None
    return cleaned


def _clean_rows(user, rows: list[dict], outcome: LedgerImport) -> list[tuple[int, dict]]:
    """Every row cleaned and checked against the user's rights; a repeated identity is a problem."""
    cleaned_rows = []
    seen: dict[tuple, int] = {}
    for raw in rows:
        cleaned = _clean_row(user, raw, outcome)
        if cleaned is None:
            continue
        number = raw.get("row")
        first = seen.setdefault(_identity(cleaned), number)
        if first != number:
            outcome.problems.append(
                (
                    number,
                    _("The same entry (county, kind, source, document number) is also in row %(row)s.")
                    % {"row": first},
                )
            )
            continue
        cleaned_rows.append((number, cleaned))
    return cleaned_rows


def _match_row(user, number: int, cleaned: dict, existing: FundEntry | None, outcome: LedgerImport) -> None:
    """Record what one row does: create a new entry, change the stored one, or leave it alone."""
    if existing is None:
        entry = FundEntry(created_by=user if getattr(user, "is_authenticated", False) else None, **cleaned)
        outcome.rows.append(RowOutcome(number, "create", entry))
        outcome.created += 1
        return
    changes = {
        name: (getattr(existing, name), cleaned[name])
        for name in COMPARED
        if getattr(existing, name) != cleaned[name]
    }
    if not changes:
        outcome.rows.append(RowOutcome(number, "unchanged", existing))
        outcome.unchanged += 1
        return
    for name, (_old, new) in changes.items():
        setattr(existing, name, new)
    outcome.rows.append(RowOutcome(number, "change", existing, changes))
    outcome.changed += 1


def _gate_problems(outcome: LedgerImport) -> list[tuple[int, str]]:
    """New regional tranches of the file, per county in date order, checked against the tranche gate."""
    new_tranches: dict[int, list[tuple[int, FundEntry]]] = {}
    for result in outcome.rows:
        entry = result.entry
        if result.action == "create" and entry.kind == Kind.DISBURSEMENT and entry.source == Source.REGIONAL:
            new_tranches.setdefault(entry.county_id, []).append((result.row, entry))
    problems = []
    for tranches in new_tranches.values():
        tranches.sort(key=lambda pair: (pair[1].date, pair[0]))
        for position, (number, entry) in enumerate(tranches):
            check = tranche_gate(entry.county, first_exempt=position == 0)
            if not check.passed:
                problems.append(
                    (
                        number,
                        _(
                            "The tranche gate of %(county)s failed (%(failures)s): release this tranche in the "
                            "browser with an override reason."
                        )
                        % {"county": entry.county.name, "failures": check.failure_text()},
                    )
                )
    return problems


def _import_rows(user, rows: list[dict], outcome: LedgerImport) -> None:
    cleaned_rows = _clean_rows(user, rows, outcome)
    if outcome.problems:
        return
    balances = lock_balances((c["county"].pk, c["source"]) for _n, c in cleaned_rows)
    stored = {
        (e.county_id, e.kind, e.source, e.doc_no): e
        for e in FundEntry.objects.filter(
            county_id__in={c["county"].pk for _n, c in cleaned_rows}
        ).select_for_update()
    }
    for number, cleaned in cleaned_rows:
        _match_row(user, number, cleaned, stored.get(_identity(cleaned)), outcome)
    gate_problems = _gate_problems(outcome)
    for result in outcome.rows:
        if result.action != "unchanged":
            _as(user, result.entry).save()
    outcome.problems.extend((None, message) for message in invariant_problems(balances))
    outcome.problems.extend(gate_problems)
    if outcome.problems:
        return
    check_and_store_balances(balances)


def refresh_balances(county_ids: Iterable[int] | None = None) -> None:
    """Recompute stored balances from the entries (demo data and repairs); refuses broken pairs."""
    entries = FundEntry.objects.all()
    if county_ids is not None:
        entries = entries.filter(county_id__in=list(county_ids))
    pairs = set(entries.values_list("county_id", "source").distinct())
    with transaction.atomic():
        check_and_store_balances(lock_balances(pairs))

"""Data and steps shared by the browser journeys."""

from __future__ import annotations

from indicators.models import DataElement

PASSWORD = "pass-Word-123"

# A complete, consistent year of values (as a county would type them: strings).
COMPLETE = {
    "population": "352000",
    "invention_patents_held": "120",
    "trademarks_registered": "2100",
    "gi_trademarks": "6",
    "gi_products": "3",
    "copyright_registrations": "45",
    "invention_applications": "80",
    "utility_model_applications": "150",
    "design_applications": "40",
    "enterprise_ip_investment": "850.5",
    "advantage_enterprises_new": "2",
    "hightech_enterprises": "30",
    "hightech_certified": "30",
    "license_transfer_amount": "320",
    "hightech_patents_held": "200",
    "hightech_patents_implemented": "120",
    "industrial_patents_held": "400",
    "industrial_patents_implemented": "150",
    "above_scale_output": "1500000",
    "above_scale_ip_output": "400000",
    "above_scale_enterprises": "60",
    "above_scale_with_patents": "60",
    "enforcement_cases": "12",
    "ip_office_established": "是",
    "joint_meeting_system": "是",
    "admin_judicial_mechanism": "是",
    "assistance_station": "是",
}


def stored_complete() -> dict:
    """``COMPLETE`` as stored values (booleans as 1)."""
    kinds = dict(DataElement.objects.values_list("code", "value_type"))
    return {code: (1 if kinds[code] == "boolean" else value) for code, value in COMPLETE.items()}


def fill_value(page, code: str, value: str):
    """Type or choose ``value`` in the entry form's field for ``code``, whatever widget it is."""
    name = f"v_{code}"
    kind = page.locator(f'[name="{name}"]').first.evaluate(
        "e => e.tagName.toLowerCase() + ':' + (e.type || '')"
    )
    if kind.startswith("select"):
        page.locator(f'[name="{name}"]').select_option(label=value)
    elif kind.endswith(":radio"):
        page.evaluate(
            """([name, text]) => {
                for (const input of document.querySelectorAll(`input[name="${name}"]`)) {
                    const label = document.querySelector(`label[for="${input.id}"]`);
                    if (label && label.textContent.trim() === text) { input.click(); return; }
                }
                throw new Error(`no choice ${text} for ${name}`);
            }""",
            [name, value],
        )
    else:
        page.locator(f'[name="{name}"]').fill(value)


def fill_report(page, values: dict):
    for code, value in values.items():
        fill_value(page, code, value)

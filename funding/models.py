"""Funding allocations, disbursements and expenditures (SPEC §7): models arrive with the funding issue."""

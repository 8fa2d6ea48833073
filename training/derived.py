"""Contract ``<app>/derived.py`` (config.registry): the values of derived elements computed from training and
publicity records, ``derived_values(pairs)`` → ``{(county_id, year): {element_code: Decimal}}``."""

from .selectors import derived_values

__all__ = ["derived_values"]

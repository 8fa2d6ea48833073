"""Signals the counties app sends for apps above it to act on (they connect receivers; counties imports none).

``designation_changed``: sent inside the transaction that designates or changes pilots, with ``county_ids``;
pilot years decide how a county is judged, so ``indicators`` rescores every reported year of those counties.
"""

from django.dispatch import Signal

designation_changed = Signal()

"""Fixtures of the assessment tests (the pilot of the scoring tests)."""

from tests.indicators.conftest import pilot  # noqa: F401 - 土默特左旗 piloting 2023–2025

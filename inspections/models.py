"""Inspections and rectification of findings (SPEC §8): models arrive with the inspections issue."""

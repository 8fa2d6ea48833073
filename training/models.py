"""Training and publicity events (SPEC §9)."""

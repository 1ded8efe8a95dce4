"""ChainMind reference package."""

"""Alerts stage: shifts -> routed, rendered, delivered messages (outbox pattern)."""

"""Alerts stage: shifts -> routed, rendered, delivered messages (outbox pattern).

routing.py decides who hears about what, render.py writes the messages, send.py
delivers through apprise, outbox.py is the delivery pass, digest.py the daily digest;
their settings are redline/alert_settings.py (the `alerts:` section of the config).
Import from those modules: the package itself exports nothing.
"""

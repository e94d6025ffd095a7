"""Alerts stage: shifts -> routed, rendered, delivered messages (outbox pattern).

config.py holds the `alerts` settings, routing.py who hears about what, render.py the
messages, send.py delivery through apprise, outbox.py the delivery pass, digest.py
the daily digest. Import from those modules: the package itself exports nothing, so
redline.config can import alerts.config without pulling the delivery modules in.
"""

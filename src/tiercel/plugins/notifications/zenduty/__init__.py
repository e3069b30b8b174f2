"""Zenduty: ``ZendutyAlert`` and ``ZendutyExecution`` through an integration's webhook."""

"""Notification plugins (``io.kestra.plugin.notifications.*`` and the per-vendor names Kestra
moved them to): Slack, email, Microsoft Teams, Discord, Google Chat, Telegram, PagerDuty,
Opsgenie, Sentry and Zenduty.

Each vendor has a task that sends a payload the flow writes and an ``*Execution`` task that
sends Kestra's summary of an execution. ``sender`` posts with retries, ``summary`` builds the
execution summary, ``base`` holds the properties they share. Like every plugin package it
imports ``tiercel.sdk`` and nothing else of Tiercel.
"""

"""Opsgenie: ``OpsgenieAlert`` and ``OpsgenieExecution`` through the Alert API."""

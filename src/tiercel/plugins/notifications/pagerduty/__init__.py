"""PagerDuty: ``PagerDutyAlert`` and ``PagerDutyExecution`` through the Events API v2."""

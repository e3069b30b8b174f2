"""The ``kestra`` module that the deprecated Python task puts beside ``main.py``.

Scripts written for that task import it (``from kestra import Kestra``) to send outputs and
metrics through the ``::{...}::`` line protocol. It is the module's source, kept here as text
because it runs in the task's own interpreter, not in Tiercel's.
"""

SOURCE = '''\
"""Outputs and metrics for Tiercel (and Kestra) from a Python script."""

import json
import time


class Kestra:
    """Send outputs and metrics as lines the task reads."""

    @staticmethod
    def _send(payload):
        print("::" + json.dumps(payload) + "::", flush=True)

    @staticmethod
    def _metric(name, kind, value, tags):
        Kestra._send(
            {"metrics": [{"name": name, "type": kind, "value": value, "tags": tags or {}}]}
        )

    @staticmethod
    def outputs(values):
        """Set outputs, read as ``outputs.<task>.vars.<name>``."""
        Kestra._send({"outputs": values})

    @staticmethod
    def counter(name, count, tags=None):
        """Add ``count`` to a counter metric."""
        Kestra._metric(name, "counter", count, tags)

    @staticmethod
    def timer(name, duration, tags=None):
        """Record a duration in seconds, or time a function called with no argument."""
        if callable(duration):
            started = time.perf_counter()
            duration()
            duration = time.perf_counter() - started
        Kestra._metric(name, "timer", duration, tags)
'''

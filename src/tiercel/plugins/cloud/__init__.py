"""What the cloud plugin families (``aws``, ``gcp``, ``azure``) share; not a plugin family.

Loading an SDK on demand with the exact ``pip install`` line when it is missing, one-line
provider errors with secrets masked, the memory of polling triggers over object stores, and a
small environment that lets the same object-store code run from a task or from a trigger.
Like every plugin package it imports ``tiercel.sdk`` and nothing else of Tiercel.
"""

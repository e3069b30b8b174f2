"""The REST API: Kestra's paths and JSON shapes over HTTP (FastAPI), for the UI and clients.

Routes call ``tiercel.ops`` use cases and read storage; they reach the executor only through
the ``ExecutionRunner`` port the wiring hands them. Imports ``ops``, ``engine``, ``registry``,
``storage``, ``model``; never ``runtime``.
"""

from tiercel.api.app import create_app
from tiercel.api.context import ApiContext

__all__ = ["ApiContext", "create_app"]

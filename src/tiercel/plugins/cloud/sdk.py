"""Provider SDKs, imported only when a task of their family runs."""

import importlib
from types import ModuleType

from tiercel.sdk import TaskFailure

PACKAGES = {"aws": "boto3", "gcp": "google-cloud-storage", "azure": "azure-storage-blob"}
"""The distribution each extra brings, as ``pip`` names it."""


def load(module: str, extra: str) -> ModuleType:
    """Import ``module``, or fail the task with the command that installs it.

    Args:
        module: the SDK module (``boto3``, ``google.cloud.storage``...).
        extra: the Tiercel extra that brings it (``aws``, ``gcp``, ``azure``).

    Raises:
        TaskFailure: the module is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        package = PACKAGES.get(extra, module)
        raise TaskFailure(
            f"The {extra} plugins need {package}, which is not installed (no module "
            f"'{module}'): pip install 'tiercel[{extra}]'"
        ) from None

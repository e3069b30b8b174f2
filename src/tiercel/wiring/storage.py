"""The internal storage a configuration asks for: a local folder, or an S3 bucket."""

from pathlib import Path

from tiercel.storage import InternalStorage, LocalInternalStorage
from tiercel.storage.s3 import S3InternalStorage, S3Settings
from tiercel.wiring.config import StorageSettings


def internal_storage(settings: StorageSettings | None, default_path: Path) -> InternalStorage:
    """Build the internal storage of ``settings``; ``default_path`` when it names none.

    Raises:
        StorageError: the bucket cannot be reached, or boto3 is missing.
    """
    if settings is None or settings.type == "local":
        path = settings.path if settings is not None and settings.path else default_path
        return LocalInternalStorage(path)
    assert settings.bucket is not None  # checked when the settings were read
    return S3InternalStorage(
        S3Settings(
            bucket=settings.bucket,
            prefix=settings.prefix,
            endpoint=settings.endpoint,
            region=settings.region,
            access_key_id=settings.access_key_id,
            secret_key_id=settings.secret_key_id,
            session_token=settings.session_token,
            force_path_style=settings.force_path_style,
        )
    )

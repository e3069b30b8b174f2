"""The internal storage a configuration asks for: a local folder, an S3 or a Cloud Storage
bucket, or an Azure Blob container."""

from pathlib import Path

from tiercel.storage import InternalStorage, LocalInternalStorage
from tiercel.storage.azure_blob import AzureBlobInternalStorage, AzureBlobSettings
from tiercel.storage.gcs import GcsInternalStorage, GcsSettings
from tiercel.storage.s3 import S3InternalStorage, S3Settings
from tiercel.wiring.config import StorageSettings


def internal_storage(settings: StorageSettings | None, default_path: Path) -> InternalStorage:
    """Build the internal storage of ``settings``; ``default_path`` when it names none.

    Raises:
        StorageError: the bucket or container cannot be reached, or its SDK is missing.
    """
    if settings is None or settings.type == "local":
        path = settings.path if settings is not None and settings.path else default_path
        return LocalInternalStorage(path)
    if settings.type == "gcs":
        assert settings.bucket is not None  # checked when the settings were read
        return GcsInternalStorage(
            GcsSettings(
                bucket=settings.bucket,
                prefix=settings.prefix,
                endpoint=settings.endpoint,
                project_id=settings.project_id,
                service_account=settings.service_account,
            )
        )
    if settings.type == "azure":
        assert settings.container is not None  # checked when the settings were read
        return AzureBlobInternalStorage(
            AzureBlobSettings(
                container=settings.container,
                prefix=settings.prefix,
                endpoint=settings.endpoint,
                connection_string=settings.connection_string,
                shared_key_account_name=settings.shared_key_account_name,
                shared_key_account_access_key=settings.shared_key_account_access_key,
                sas_token=settings.sas_token,
            )
        )
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

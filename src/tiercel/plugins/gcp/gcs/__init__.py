"""``io.kestra.plugin.gcp.gcs``: objects in Cloud Storage buckets, and a polling trigger."""

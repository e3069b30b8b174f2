"""``io.kestra.plugin.azure.storage``: Azure Storage services."""

"""``io.kestra.plugin.azure.storage.blob``: blobs in Azure Storage containers, and a polling
trigger on them."""

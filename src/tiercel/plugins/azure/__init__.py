"""Microsoft Azure plugins (``io.kestra.plugin.azure.*``): Blob Storage.

The tasks talk to Azure through azure-storage-blob, imported only when one of them runs
(``pip install 'tiercel[azure]'``). Like every plugin package it imports ``tiercel.sdk`` (and
the shared ``tiercel.plugins.cloud`` helpers) and nothing else of Tiercel.
"""

"""Google Cloud plugins (``io.kestra.plugin.gcp.*``): Cloud Storage and BigQuery.

The tasks talk to Google Cloud through google-cloud-storage and google-cloud-bigquery,
imported only when one of them runs (``pip install 'tiercel[gcp]'``). Like every plugin
package it imports ``tiercel.sdk`` (and the shared ``tiercel.plugins.cloud`` helpers) and
nothing else of Tiercel.
"""

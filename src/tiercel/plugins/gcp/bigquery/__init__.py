"""``io.kestra.plugin.gcp.bigquery``: queries, loads, extracts, datasets and tables of
BigQuery, and a polling query trigger (google-cloud-bigquery, ``pip install 'tiercel[gcp]'``)."""

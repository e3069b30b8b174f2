"""``io.kestra.plugin.gcp.bigquery``: queries, loads, extracts, datasets and tables of
BigQuery, and a polling query trigger (google-cloud-bigquery, ``pip install 'tiercel[gcp]'``).

Tested against PyPI's bqemulator, which does not write a query's destination table, drops a
CSV's first line, counts no rows in table metadata and reads ``gs://`` from a local folder:
those paths are checked only as far as the emulator serves them (see the README).
"""

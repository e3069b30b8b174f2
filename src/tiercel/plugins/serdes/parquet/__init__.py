"""Parquet to and from Ion (``io.kestra.plugin.serdes.parquet.*``), with pyarrow."""

"""Avro to and from Ion (``io.kestra.plugin.serdes.avro.*``), with fastavro."""

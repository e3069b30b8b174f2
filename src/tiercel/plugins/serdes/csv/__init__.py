"""CSV to and from Ion (``io.kestra.plugin.serdes.csv.*``)."""

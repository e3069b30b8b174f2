"""JSON to and from Ion (``io.kestra.plugin.serdes.json.*``)."""

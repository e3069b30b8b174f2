"""XML to and from Ion (``io.kestra.plugin.serdes.xml.*``), read with defusedxml."""

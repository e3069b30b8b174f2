"""Excel to and from Ion (``io.kestra.plugin.serdes.excel.*``), with openpyxl."""

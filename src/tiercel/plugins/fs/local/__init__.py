"""``io.kestra.plugin.fs.local``: a polling and a realtime trigger on a local directory,
confined to the server's allowed paths."""

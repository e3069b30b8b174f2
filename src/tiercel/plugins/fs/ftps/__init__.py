"""``io.kestra.plugin.fs.ftps``: files on an FTP server over TLS (explicit or implicit), through
the standard library's ftplib and ssl."""

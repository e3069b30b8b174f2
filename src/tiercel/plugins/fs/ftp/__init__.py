"""``io.kestra.plugin.fs.ftp``: files on an FTP server, through the standard library's ftplib."""

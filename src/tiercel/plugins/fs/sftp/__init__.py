"""``io.kestra.plugin.fs.sftp``: files on an SSH server, through paramiko (``tiercel[fs]``)."""

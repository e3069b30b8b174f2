"""What the SFTP, FTP and FTPS plugins share: a small client port, the connection properties,
and the task and trigger logic written once against the port (no plugin here)."""

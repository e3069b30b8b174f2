"""PowerShell scripts and commands (``io.kestra.plugin.scripts.powershell``)."""

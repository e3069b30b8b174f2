"""Script plugins: Python, shell, Node.js, R, Julia, Ruby, PowerShell, Go, Deno and Bun
scripts run as local processes (``io.kestra.plugin.scripts.*``)."""

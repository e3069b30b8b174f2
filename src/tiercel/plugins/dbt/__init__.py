"""dbt plugins (``io.kestra.plugin.dbt.cli.*``): ``DbtCLI`` and the older per-command tasks.

dbt runs as a local process in a cached Python environment made with uv (dbt-core and the
adapters the task needs), as the Python script tasks' environments are. This family builds
on the script tasks' process handling and imports only the SDK besides.
"""

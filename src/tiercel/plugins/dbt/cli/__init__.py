"""The dbt CLI tasks: ``DbtCLI``, and ``Setup`` with the command tasks it prepares for."""

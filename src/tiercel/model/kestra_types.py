"""What Kestra's type names look like beyond the installed plugins: the plugin packages Kestra
publishes, and names people write that Kestra never had.

An unknown ``type`` is then explained for what it is: a typo of an installed type, a real
Kestra plugin that is not installed here, or a task that Kestra does not have at all.
"""

# fmt: off
# Whole families, each published by Kestra as its own plugin.
_FAMILIES = (
    "airbyte", "airflow", "ai", "amqp", "ansible", "aws", "azure", "cassandra", "clickhouse",
    "cloudquery", "compress", "couchbase", "crypto", "databricks", "dataform", "dbt", "debezium",
    "docker", "dlt", "elasticsearch", "fivetran", "gcp", "git", "github", "googleworkspace",
    "graalvm", "hightouch", "hubspot", "huggingface", "influxdb", "jdbc", "jira", "jms", "kafka",
    "kestra", "kubernetes", "ldap", "linear", "malloy", "meilisearch", "minio", "modal", "mongodb",
    "mqtt", "nats", "neo4j", "notifications", "odoo", "openai", "opensearch", "powerbi", "pulsar",
    "questdb", "redis", "serdes", "servicenow", "sifflet", "singer", "soda", "solace", "spark",
    "sqlmesh", "surrealdb", "tableau", "terraform", "transform", "weaviate", "zendesk",
)
# Families of which Tiercel has some packages (scripts.python, fs.local...): the others.
_SCRIPT_LANGUAGES = (
    "bun", "deno", "exec", "go", "groovy", "jbang", "julia", "jython", "lua", "nashorn", "perl",
    "php", "powershell", "r", "ruby",
)
_FS_PROTOCOLS = ("ftp", "ftps", "nfs", "sftp", "smb", "ssh")
# fmt: on

_KESTRA_PLUGIN_PACKAGES = (
    *(f"io.kestra.plugin.{family}" for family in _FAMILIES),
    *(f"io.kestra.plugin.scripts.{language}" for language in _SCRIPT_LANGUAGES),
    *(f"io.kestra.plugin.fs.{protocol}" for protocol in _FS_PROTOCOLS),
)

_NOT_IN_KESTRA = {
    "io.kestra.plugin.core.flow.Branch": (
        "Kestra has no Branch task: branch with io.kestra.plugin.core.flow.If (on a condition) "
        "or io.kestra.plugin.core.flow.Switch (on a value)"
    ),
    "io.kestra.plugin.core.flow.Loop": (
        "Kestra has no Loop task: repeat with io.kestra.plugin.core.flow.ForEach (over values) "
        "or io.kestra.plugin.core.flow.LoopUntil (until a condition holds)"
    ),
    "io.kestra.plugin.core.flow.While": (
        "Kestra has no While task: repeat with io.kestra.plugin.core.flow.LoopUntil"
    ),
}


def kestra_package(type_name: str) -> str | None:
    """The Kestra plugin package a type name falls under, if it names a known one."""
    for package in _KESTRA_PLUGIN_PACKAGES:
        if type_name.startswith(package + "."):
            return package
    return None


def not_in_kestra(type_name: str) -> str | None:
    """Advice for a type name that Kestra never had, when people are known to write it."""
    return _NOT_IN_KESTRA.get(type_name)


def same_package(one: str, other: str) -> bool:
    """Whether two type names differ only in their class name."""
    return one.rpartition(".")[0] == other.rpartition(".")[0]

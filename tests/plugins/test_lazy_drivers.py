"""Validating a flow of the integration plugins imports none of their drivers: a driver is
imported only when a task of its family runs."""

import subprocess
import sys
import textwrap

FLOW = """
id: lazy
namespace: company.team
tasks:
  - id: get
    type: io.kestra.plugin.redis.string.Get
    url: redis://127.0.0.1:6379
    key: k
  - id: pack
    type: io.kestra.plugin.compress.FileCompress
    from: kestra:///x
    compression: ZSTD
  - id: mail
    type: io.kestra.plugin.notifications.mail.MailSend
    host: 127.0.0.1
    from: a@example.org
    to: b@example.org
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackExecution
    url: https://hooks.example.org/x
"""


def test_validating_a_flow_imports_no_driver() -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from tiercel.model import load_flows
        from tiercel.registry import default_registry
        result = load_flows({FLOW!r}, "lazy.yaml", default_registry())
        assert result.ok, result.all_problems()
        loaded = sorted(name for name in ("redis", "zstandard", "smtplib") if name in sys.modules)
        print(",".join(loaded))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""

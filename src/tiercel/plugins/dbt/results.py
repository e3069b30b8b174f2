"""What a dbt run leaves in ``target/``: ``manifest.json`` and ``run_results.json`` stored as
output files, one log line per node of the run (model, test, seed, snapshot) at the level of
its status, and the adapters' counters as metrics (Kestra's ``ResultParser``).

Kestra shows each node as a dynamic task run of its own; Tiercel logs one line per node
(``model.shop.orders => success in 0.42s``), which the task's logs show in order.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiercel.sdk import RunContext

__all__ = ["ManifestStore", "collect_results", "node_line"]

_LEVELS = {
    "error": "ERROR",
    "fail": "ERROR",
    "runtime_error": "ERROR",
    "warn": "WARN",
}
_OK = frozenset({"success", "pass"})
_METRICS = {"rows_affected": "rows.affected", "bytes_processed": "bytes.processed"}


@dataclass(frozen=True, slots=True)
class ManifestStore:
    """Where ``storeManifest`` keeps ``manifest.json``: a KV key of a namespace."""

    namespace: str
    key: str


def node_line(result: Mapping[str, Any]) -> tuple[str, str]:
    """The level and log line of one entry of ``run_results.json``'s ``results``."""
    status = str(result.get("status") or "unknown")
    line = f"{result.get('unique_id')} => {status}"
    seconds = result.get("execution_time")
    if isinstance(seconds, int | float):
        line += f" in {seconds:.2f}s"
    failures = result.get("failures")
    if isinstance(failures, int) and failures > 0:
        line += f" ({failures} failure{'s' if failures != 1 else ''})"
    message = str(result.get("message") or "").strip()
    if message and status not in _OK:
        line += f": {message}"
    return _LEVELS.get(status, "INFO"), line


def collect_results(
    ctx: RunContext,
    project: Path,
    output_files: dict[str, str],
    *,
    parse_run_results: bool,
    store_manifest: ManifestStore | None = None,
    warn_missing_manifest: bool = False,
) -> None:
    """Store ``target/manifest.json`` and ``target/run_results.json`` of ``project`` into
    ``output_files``, and log the run's results.

    Args:
        ctx: The task's run context.
        project: The dbt project directory.
        output_files: The task's ``outputFiles``, completed in place.
        parse_run_results: Log and store ``run_results.json`` (``parseRunResults``).
        store_manifest: Also keep the manifest in the KV store there.
        warn_missing_manifest: Log a warning when the run left no manifest.
    """
    manifest = project / "target" / "manifest.json"
    if manifest.is_file():
        if store_manifest is not None:
            _store_manifest(ctx, manifest, store_manifest)
        with manifest.open("rb") as stream:
            output_files["manifest.json"] = ctx.files.put("manifest.json", stream)
    elif warn_missing_manifest:
        ctx.logger.warn(f"dbt manifest not found at {manifest}")
    run_results = project / "target" / "run_results.json"
    if not parse_run_results or not run_results.is_file():
        return
    try:
        document = json.loads(run_results.read_text(encoding="utf-8"))
        results = document.get("results") or []
    except (ValueError, AttributeError, OSError) as exc:
        ctx.logger.warn(f"Unable to read dbt's run_results.json: {exc}")
        return
    counters: dict[str, float] = {}
    for result in results if isinstance(results, list) else []:
        if not isinstance(result, dict):
            continue
        level, line = node_line(result)
        {"ERROR": ctx.logger.error, "WARN": ctx.logger.warn}.get(level, ctx.logger.info)(line)
        response = result.get("adapter_response")
        for key, value in response.items() if isinstance(response, dict) else ():
            name = _METRICS.get(key)
            if name is not None and isinstance(value, int | float) and not isinstance(value, bool):
                counters[name] = counters.get(name, 0.0) + float(value)
    for name, total in counters.items():
        ctx.metric(name, total)
    with run_results.open("rb") as stream:
        output_files["run_results.json"] = ctx.files.put("run_results.json", stream)


def _store_manifest(ctx: RunContext, manifest: Path, store: ManifestStore) -> None:
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
    except ValueError as exc:
        ctx.logger.warn(f"manifest.json is not JSON, not stored in the KV store: {exc}")
        return
    ctx.kv(store.namespace).set(store.key, content)
    ctx.logger.info(f"dbt manifest stored in the KV store of {store.namespace} as '{store.key}'")


def load_manifest(ctx: RunContext, project: Path, namespace: str, key: str) -> bool:
    """Write the manifest kept in the KV store to ``target/manifest.json`` (``loadManifest``).

    Returns:
        Whether a manifest was found.
    """
    value = ctx.kv(namespace).get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        ctx.logger.warn(
            "Property `loadManifest` has been used but no manifest has been found in the KV Store."
        )
        return False
    target = project / "target" / "manifest.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return True

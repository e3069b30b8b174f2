"""``FlowSources`` for the tasks that read and deploy flows (``git.SyncFlows``, ``PushFlows``):
the flow store, and ``ops.Flows`` to check and deploy a source as the API does."""

from tiercel.ops.flows import FlowError, FlowNotFoundError, Flows
from tiercel.runtime.services import Services
from tiercel.sdk import TaskFailure


class StoredFlows:
    """``FlowSources`` on the flow store; deploying needs the services' ``catalog``."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def _flows(self) -> Flows:
        catalog = self._services.catalog
        if catalog is None:
            raise TaskFailure("flows cannot be deployed here: no plugin catalog")
        services = self._services
        return Flows(services.flows, services.triggers, catalog, services.clock)

    def sources(self, namespace: str, *, children: bool = False) -> list[tuple[str, str, str]]:
        records = self._services.flows.find(namespace=namespace, prefix=children)
        return sorted(
            (record.namespace, record.flow_id, record.source)
            for record in records
            if record.namespace == namespace or record.namespace.startswith(namespace + ".")
        )

    def deploy(self, source: str) -> tuple[str, str, int]:
        try:
            deployed = self._flows().deploy(source)
        except FlowError as exc:
            raise TaskFailure(f"Invalid flow: {'; '.join(str(p) for p in exc.problems)}") from None
        return deployed.record.namespace, deployed.record.flow_id, deployed.record.revision

    def delete(self, namespace: str, flow_id: str) -> None:
        try:
            self._flows().delete(namespace, flow_id)
        except FlowNotFoundError:
            raise TaskFailure(f"Flow '{namespace}.{flow_id}' does not exist") from None

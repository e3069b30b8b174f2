"""``com.example.trigger.Tally``: a polling trigger that starts ``limit`` executions, one per
evaluation, counting them in its state."""

from tiercel.sdk import Emission, PollingTrigger, TriggerContext, plugin


@plugin("com.example.trigger.Tally")
class Tally(PollingTrigger):
    """Start one execution per evaluation until ``limit`` have started."""

    limit: int = 2

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission carrying its number, while under ``limit``."""
        count = int(ctx.state.get("count", 0))
        if count >= self.limit:
            return []
        ctx.state["count"] = count + 1
        return [Emission({"count": count + 1})]

"""``io.kestra.plugin.discord.DiscordExecution``: post Kestra's summary of an execution to a
Discord webhook, as an embed."""

from typing import Any

from pydantic import Field

from tiercel.plugins.notifications.base import ExecutionProperties, as_json
from tiercel.plugins.notifications.discord.incoming_webhook import DiscordIncomingWebhook
from tiercel.plugins.notifications.summary import execution_summary, status_line
from tiercel.sdk import KestraModel, Property, RunContext, Text, plugin


class Embed(KestraModel):
    """A Discord embed."""

    title: Text | None = None
    website_url: Text | None = Field(default=None, description="The URL the title links to.")
    description: Text | None = None
    thumbnail: Text | None = Field(default=None, description="The thumbnail's URL.")
    author_name: Text | None = None
    color: list[int] | None = Field(default=None, description="RGB, as `[255, 255, 255]`.")
    footer: Text | None = None


@plugin(
    "io.kestra.plugin.discord.DiscordExecution",
    aliases=["io.kestra.plugin.notifications.discord.DiscordExecution"],
)
class DiscordExecution(ExecutionProperties, DiscordIncomingWebhook):
    """Send a Discord message with an execution's summary and link."""

    username: Text | None = Field(default=None, description="The webhook's user name.")
    avatar_url: Text | None = Field(default=None, description="The webhook's avatar URL.")
    embed_list: list[Embed] | None = Field(default=None, description="Embeds to add.")
    content: Text | None = Field(default=None, description="The message content.")
    template_render_map: Property[dict[str, Any]] | None = Field(
        default=None, description="Accepted for compatibility; the summary is built in."
    )

    def body(self, ctx: RunContext) -> str:
        """The ``payload`` when given; else Kestra's embed with the execution's namespace,
        flow, id, state, final task and link, then ``username``, ``avatarUrl``, ``embedList``
        and ``content``."""
        if self.payload is not None and str(ctx.render(self.payload)).strip():
            return super().body(ctx)
        summary = execution_summary(ctx, self)
        execution = summary["execution"]
        description = (
            f"Namespace: {execution['namespace']}\nFlow ID: {execution['flowId']}\n"
            f"Execution ID: {execution['id']}\nExecution Status: "
            f"{execution['state']['current']} \nFinal task ID: "
            f"{(summary.get('lastTask') or {}).get('taskId')} "
        )
        if "link" in summary:
            description += f"\n\n[Link to the Execution page]({summary['link']})"
        message: dict[str, Any] = {
            "embeds": [{"description": description, "footer": {"text": status_line(summary)}}]
        }
        avatar = str(ctx.render(self.avatar_url)) if self.avatar_url is not None else None
        if self.username is not None:
            message["username"] = str(ctx.render(self.username))
        if avatar is not None:
            message["avatar_url"] = avatar
        message["tts"] = False
        if self.embed_list:
            embeds = [_embed(ctx, embed, avatar) for embed in self.embed_list]
            embeds[0].update(message["embeds"][0])
            message["embeds"] = embeds
        if self.content is not None:
            message["content"] = str(ctx.render(self.content))
        return as_json(message)


def _embed(ctx: RunContext, embed: Embed, avatar: str | None) -> dict[str, Any]:
    def text(value: str | None) -> str | None:
        return None if value is None else str(ctx.render(value))

    out: dict[str, Any] = {}
    for key, value in (
        ("title", text(embed.title)),
        ("description", text(embed.description)),
        ("url", text(embed.website_url)),
    ):
        if value is not None:
            out[key] = value
    if embed.thumbnail is not None:
        out["thumbnail"] = {"url": text(embed.thumbnail)}
    if embed.author_name is not None:
        out["author"] = {
            "name": text(embed.author_name),
            "url": text(embed.website_url),
            "icon_url": avatar,
        }
    if embed.color is not None:
        red, green, blue = (*embed.color, 0, 0, 0)[:3]
        out["color"] = (red << 16) + (green << 8) + blue if len(embed.color) >= 3 else 0
    if embed.footer is not None:
        out["footer"] = {"text": text(embed.footer)}
    return out

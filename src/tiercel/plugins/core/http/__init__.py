"""Core ``http`` plugins: HTTP requests and downloads, and a polling HTTP trigger."""

from tiercel.plugins.core.http.download import Download
from tiercel.plugins.core.http.request import Request
from tiercel.plugins.core.http.trigger import HttpTrigger
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [Download, HttpTrigger, Request]

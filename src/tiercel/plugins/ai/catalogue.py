"""Every task class of the AI plugins, imported: for the index generator and the tests.

Providers, embedding stores and retrievers are not tasks: they are validated inside the tasks
by their ``type``. Importing these modules imports no driver.
"""

from tiercel.plugins.ai.agent.ai_agent import AIAgent
from tiercel.plugins.ai.completion.chat_completion import ChatCompletion
from tiercel.plugins.ai.completion.classification import Classification
from tiercel.plugins.ai.completion.json_structured_extraction import JSONStructuredExtraction
from tiercel.plugins.ai.mcp.call_tool import CallTool
from tiercel.plugins.ai.mcp.list_tools import ListTools
from tiercel.plugins.ai.rag.chat_completion import ChatCompletion as RagChatCompletion
from tiercel.plugins.ai.rag.ingest_document import IngestDocument
from tiercel.plugins.ai.rag.search import Search
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    AIAgent,
    ChatCompletion,
    Classification,
    JSONStructuredExtraction,
    RagChatCompletion,
    IngestDocument,
    ListTools,
    CallTool,
    Search,
]

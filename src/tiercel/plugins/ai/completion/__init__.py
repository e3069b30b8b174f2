"""io.kestra.plugin.ai.completion.*: chat, classification, JSON extraction."""

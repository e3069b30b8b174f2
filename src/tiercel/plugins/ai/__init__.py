"""AI plugins (``io.kestra.plugin.ai.*``): chat completion, classification, JSON extraction,
RAG ingestion and chat, and an agent with content retrievers.

Model providers (Gemini, OpenAI and OpenAI-compatible servers, Ollama, Anthropic, Mistral,
DeepSeek, Azure OpenAI) are spoken to over plain HTTP with httpx, which Tiercel already
depends on: one small request/response mapping per vendor instead of seven vendor SDKs.
Embedding stores: the namespace KV store (default), PostgreSQL with pgvector, and an embedded
SQLite store with the sqlite-vec extension. Like every plugin package it imports
``tiercel.sdk`` (and the shared ``tiercel.plugins.cloud`` helpers) and nothing else of Tiercel;
store drivers are imported only when a task uses that store.
"""

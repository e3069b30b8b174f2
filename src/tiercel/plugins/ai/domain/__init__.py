"""What the AI tasks share: chat configuration and messages, outputs, the HTTP client that
retries and reports vendor errors on one line, document splitting and retrieval."""

"""The error a route raises to refuse a request with a status and a message."""


class ApiError(Exception):
    """Refuse the request: ``status`` (a 4xx), a message, and details per field."""

    def __init__(
        self, status: int, message: str, errors: list[dict[str, object]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

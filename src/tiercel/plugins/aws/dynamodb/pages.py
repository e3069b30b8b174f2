"""Reading the pages of a DynamoDB query or scan lazily (not a plugin)."""

from collections.abc import Callable, Iterator
from typing import Any


def items(
    call: Callable[..., Any], request: dict[str, Any], limit: int | None
) -> Iterator[dict[str, Any]]:
    """The items of ``call(**request)``, page after page, at most ``limit``.

    Kestra reads one page (``limit`` is DynamoDB's page size there, and a table larger than
    1 MB is cut short); this follows ``LastEvaluatedKey`` so every matching item comes back.
    """
    count = 0
    start: dict[str, Any] | None = None
    while True:
        page_request = dict(request)
        if limit is not None:
            page_request["Limit"] = limit - count
        if start is not None:
            page_request["ExclusiveStartKey"] = start
        answer = call(**page_request)
        for item in answer.get("Items", []):
            yield item
            count += 1
            if limit is not None and count >= limit:
                return
        start = answer.get("LastEvaluatedKey")
        if not start:
            return

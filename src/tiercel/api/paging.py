"""What the search routes share: Kestra's ``sort`` parameters and dates read the same way, and
a search's refusal answered as a 422."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from tiercel.api.errors import ApiError
from tiercel.storage.paging import InvalidSearchError, Page, Sort

T = TypeVar("T")


def aware(moment: datetime | None) -> datetime | None:
    """A query's date; one without an offset is read as UTC, the server's zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def searched(search: Callable[[list[Sort]], Page[T]], sort: list[str]) -> Page[T]:
    """Run ``search`` with the ``sort`` parameters (``field:asc``, ``field:desc``).

    Raises:
        ApiError: 422 for a malformed or unknown sort, as for any refused search.
    """
    try:
        return search([Sort.parse(item) for item in sort])
    except InvalidSearchError as exc:
        raise ApiError(422, str(exc)) from None

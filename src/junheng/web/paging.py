"""Long lists (a county's schools, its problems) are shown a page at a time, the filters kept in
the links to the other pages."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 100


def paged(request: HttpRequest, rows, per_page: int = PER_PAGE) -> tuple[Page, str]:
    """The requested page of ``rows`` (an ordered query set or a list; a page number out of range
    gives the last page) and the request's other parameters, URL-encoded, for the pager's links."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()

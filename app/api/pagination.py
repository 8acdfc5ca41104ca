from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class ApiCursorPagination(CursorPagination):
    """Cursor pages: stable under inserts, and as fast on page 1,000 as on page 1.

    Views set `ordering` to a unique or nearly unique column. A malformed cursor or
    page size is the client's mistake and answers 400, not DRF's 404 or silent clamp.
    """

    ordering = "-id"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max_page_size)s.")
                        % {"max_page_size": self.max_page_size}
                    ]
                }
            )
        return size

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        _("Use the cursor of a `next` or `previous` link as is.")
                    ]
                }
            ) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
                parameter["description"] = (
                    f"Results per page, 1 to {self.max_page_size} (default {self.page_size})."
                )
        return parameters


def ordered_by(*ordering: str) -> type[ApiCursorPagination]:
    """Cursor pagination in this order; the last column should be unique (`id`)."""
    return type("OrderedCursorPagination", (ApiCursorPagination,), {"ordering": ordering})

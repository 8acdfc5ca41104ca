from app.core.request_context import (
    new_request_id,
    reset_request_id,
    reset_request_memo,
    set_request_id,
    start_request_memo,
)


class RequestIdMiddleware:
    """Give every request an id (the caller's `X-Request-ID` if sane), echoed in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = set_request_id(request_id)
        memo = start_request_memo()
        try:
            response = self.get_response(request)
        finally:
            reset_request_memo(memo)
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class DomainErrorMiddleware:
    """Turn a `DomainError` escaping a browser view into its status page.

    `NotFound` becomes Django's 404 (the same page as a URL that does not exist);
    others render `error.html` with their status.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404
        from django.shortcuts import render

        from app.core.errors import DomainError, NotFound

        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, DomainError):
            return render(request, "error.html", {"error": exception}, status=exception.status)
        return None


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than the site accepts: 413.

    Django itself refuses oversized form data only when a view reads it, with a 400
    that does not say why; checking `Content-Length` first answers at once, before
    anything is read or written, with a status and message a client can act on.
    Bodies sent without a length still meet Django's own limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        limit = settings.SANAD_MAX_REQUEST_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return _too_large(request, declared, limit)
        return self.get_response(request)


def _too_large(request, declared: int, limit: int):
    from django.http import JsonResponse
    from django.shortcuts import render

    from app.core.errors import DomainError

    message = (
        f"The request is {declared:,} bytes; Sanad accepts at most {limit:,} bytes per request."
    )
    if request.path.startswith("/api/"):
        body = {"error": {"status": 413, "code": "too_large", "message": message, "fields": {}}}
        return JsonResponse(body, status=413)
    error = DomainError(message, code="too_large")
    error.status = 413
    return render(request, "error.html", {"error": error}, status=413)

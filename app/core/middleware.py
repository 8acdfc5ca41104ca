from app.core.request_context import new_request_id, reset_request_id, set_request_id


class RequestIdMiddleware:
    """Give every request an id (the caller's `X-Request-ID` if sane), echoed in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
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

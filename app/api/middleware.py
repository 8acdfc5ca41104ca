from app.core.request_context import reset_token_scope, set_token_scope


class TokenScopeMiddleware:
    """Start every request without a token scope and drop the one it set, at its end.

    Authentication sets the scope deep inside a view; without this, a worker thread
    would carry one request's token into the next request it serves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset_to = set_token_scope(None)
        try:
            return self.get_response(request)
        finally:
            reset_token_scope(reset_to)

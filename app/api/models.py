from django.db import models


class TokenUsage(models.Model):
    """How many requests a token made in the current throttle window (app/api/throttling.py).

    Keyed by the token's id without a foreign key: the api framework sits below the
    workspaces app that owns tokens, and a counter outliving its token is harmless (it is
    overwritten if the id ever came back, and holds no tenant data).
    """

    token_id = models.BigIntegerField(primary_key=True)
    window_start = models.DateTimeField()
    requests = models.IntegerField()

    def __str__(self) -> str:
        return f"token {self.token_id}: {self.requests} since {self.window_start:%Y-%m-%d %H:%M}"

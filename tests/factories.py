import factory
from django.contrib.auth import get_user_model


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class NewUserFactory(UserFactory):
    """A user that must not exist yet: one INSERT, where UserFactory's get-or-create costs a
    SELECT and a savepoint around its INSERT (the `team` fixture makes four users for most
    tests). A name already taken fails with an IntegrityError instead of reusing the user."""

    class Meta:
        django_get_or_create = ()


def claim_on_words(team, snapshot, words: str, **fields):
    """A reviewer's claim on the first occurrence of `words` in `snapshot`'s text."""
    from app.claims.services import claim_create

    start = snapshot.text.index(words)
    return claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=start,
        end=start + len(words),
        exact=words,
        actor=team.reviewer,
        **fields,
    )

"""API of the workspace's verdict scale; changes are for admins, through `ratings`."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.api.conventions import validated
from app.api.pagination import ordered_by
from app.api.schema import SLUG, example, page_of
from app.claims import ratings
from app.claims.models import Rating
from app.claims.selectors import rating_get, rating_list
from app.workspaces.api_conventions import WorkspaceView
from app.workspaces.models import Role


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["id", "label", "value", "position", "colour", "description", "retired"]


class RatingCreateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=80)
    value = serializers.IntegerField(
        allow_null=True, help_text="ClaimReview ratingValue, 1–100; null outside the scale."
    )
    colour = serializers.CharField(max_length=7, help_text="#rrggbb")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class RatingUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(required=False, max_length=80)
    value = serializers.IntegerField(required=False, allow_null=True)
    colour = serializers.CharField(required=False, max_length=7)
    description = serializers.CharField(required=False, allow_blank=True)


class RatingReorderSerializer(serializers.Serializer):
    ordered_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every rating id of the scale, in order."
    )


RATING_EXAMPLE = {
    "id": 6,
    "label": "False",
    "value": 1,
    "position": 6,
    "colour": "#b3261e",
    "description": "Not accurate.",
    "retired": False,
}


class RatingListView(WorkspaceView, ListAPIView):
    write_role = Role.ADMIN
    queryset = Rating.objects.none()
    serializer_class = RatingSerializer
    pagination_class = ordered_by("position")

    def scoped_queryset(self):
        return rating_list(user=self.request.user, workspace=self.workspace)

    @extend_schema(
        summary="The verdict scale, in display order (retired ratings included)",
        parameters=[SLUG],
        examples=[example("Scale", page_of(RATING_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add a rating at the end of the scale (admins)",
        parameters=[SLUG],
        request=RatingCreateSerializer,
        responses={201: RatingSerializer},
        examples=[
            example(
                "Satire", {"label": "Satire", "value": None, "colour": "#6e7781"}, request=True
            ),
            example("Added", {**RATING_EXAMPLE, "label": "Satire", "value": None}, status=201),
        ],
    )
    def post(self, request, slug):
        data = validated(RatingCreateSerializer, request)
        rating = ratings.rating_create(workspace=self.workspace, actor=request.user, **data)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class _OneRating(WorkspaceView):
    write_role = Role.ADMIN
    serializer_class = RatingSerializer

    def rating(self) -> Rating:
        return rating_get(user=self.request.user, workspace=self.workspace, pk=self.kwargs["pk"])


class RatingDetailView(_OneRating):
    @extend_schema(
        summary="One rating", parameters=[SLUG], examples=[example("Rating", RATING_EXAMPLE)]
    )
    def get(self, request, slug, pk):
        return Response(RatingSerializer(self.rating()).data)

    @extend_schema(
        summary="Rename, recolour or revalue a rating (admins)",
        parameters=[SLUG],
        request=RatingUpdateSerializer,
        responses={200: RatingSerializer},
        examples=[
            example("Recolour", {"colour": "#a01010"}, request=True),
            example("Updated", RATING_EXAMPLE),
        ],
    )
    def patch(self, request, slug, pk):
        data = validated(RatingUpdateSerializer, request)
        rating = ratings.rating_update(rating=self.rating(), actor=request.user, **data)
        return Response(RatingSerializer(rating).data)


class RatingRetireView(_OneRating):
    @extend_schema(
        summary="Stop offering a rating for new verdicts (admins)",
        parameters=[SLUG],
        request=None,
        responses={200: RatingSerializer},
        examples=[example("Retired", {**RATING_EXAMPLE, "retired": True})],
    )
    def post(self, request, slug, pk):
        return Response(
            RatingSerializer(ratings.rating_retire(rating=self.rating(), actor=request.user)).data
        )


class RatingRestoreView(_OneRating):
    @extend_schema(
        summary="Offer a retired rating again (admins)",
        parameters=[SLUG],
        request=None,
        responses={200: RatingSerializer},
        examples=[example("Restored", RATING_EXAMPLE)],
    )
    def post(self, request, slug, pk):
        return Response(
            RatingSerializer(ratings.rating_restore(rating=self.rating(), actor=request.user)).data
        )


class RatingReorderView(WorkspaceView):
    write_role = Role.ADMIN
    queryset = Rating.objects.none()
    serializer_class = RatingSerializer

    @extend_schema(
        summary="Reorder the scale (admins)",
        parameters=[SLUG],
        request=RatingReorderSerializer,
        responses={200: RatingSerializer(many=True)},
        examples=[
            example("New order", {"ordered_ids": [1, 2, 3, 4, 5, 7, 6]}, request=True),
            example("The scale", [RATING_EXAMPLE]),
        ],
    )
    def post(self, request, slug):
        data = validated(RatingReorderSerializer, request)
        scale = ratings.rating_reorder(
            workspace=self.workspace, ordered_ids=data["ordered_ids"], actor=request.user
        )
        return Response(RatingSerializer(scale, many=True).data)

"""Serializer fields shared by the API resources."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from app.core.dates import DateInputError, read_date


@extend_schema_field(OpenApiTypes.STR)
class LooseDateField(serializers.Field):
    """A date in any form the browser accepts (`app.core.dates.read_date`), out as ISO.

    `2024-06-18`, `18 June 2024`, `۱۸ ژوئن ۲۰۲۴`, `۲۹ خرداد ۱۴۰۳`, `18.06.2024`; a day
    and month that could be swapped (`05.09.2025`) are refused with both readings.
    """

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Give the date as text, e.g. 2024-06-18."))
        try:
            return read_date(data)
        except DateInputError as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value):
        return value.isoformat() if value else None

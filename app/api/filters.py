"""Filter building blocks shared by the API's lists."""

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField

from app.core.dates import DateInputError, read_date


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC.

    Python accepts offsets up to ±23:59 but PostgreSQL only up to ±15:59, so a value
    such as `…+16:48` would otherwise reach the query and fail there.
    """

    def clean(self, value):
        try:
            moment = super().clean(value)
        except forms.ValidationError:
            # A day in either calendar and digit system stands for its midnight, UTC.
            try:
                day = read_date(str(value))
            except DateInputError as error:
                raise forms.ValidationError(str(error)) from None
            if day is None:
                raise
            return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(
                _("This moment lies outside the supported range.")
            ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField

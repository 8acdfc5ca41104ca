import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from app.core.dates import DateInputError, read_date


class LooseDateField(forms.CharField):
    """A date typed the way people write it: Gregorian or Solar Hijri, Persian or ASCII
    digits, `2024-06-18`, `18.06.2024`, `18 June 2024`, `۱۸ ژوئن ۲۰۲۴`, `٢۹ خرداد ۱۴۰۳`.

    Cleans to a `datetime.date`, or None when left empty; a day and month that could be
    swapped (`05.09.2025`) are refused with both readings (`app.core.dates.read_date`).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"dir": "auto"}))
        super().__init__(**kwargs)

    def clean(self, value) -> dt.date | None:
        text = super().clean(value).strip()
        try:
            return read_date(text)
        except DateInputError as error:
            raise ValidationError(str(error)) from None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's `ValidationError` to the form, field by field.

    Errors for fields the form does not show are attached to the form as a whole,
    so no message is lost.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)

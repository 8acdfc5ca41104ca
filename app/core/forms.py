from django import forms
from django.core.exceptions import ValidationError


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

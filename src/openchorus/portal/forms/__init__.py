"""Portal forms: input parsing only; rules are the services'."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from openchorus.core.errors import ApplicationError


class PortalForm(DsfrBaseForm):
    """DSFR rendering; required fields carry the asterisk, as on the real portal's forms (seed 001).

    django-dsfr's get_context only adds a deprecation warning about that choice; it is made here.
    """

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = False
        return context


def form_add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal beside the field it names, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))

"""Forms of the invoice deposit (INV-3) and batch deposit (INV-4): the supplier structure and files."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openchorus.portal.forms import PortalForm
from openchorus.structures.models import Structure

ACCEPT = ".pdf,.xml,application/pdf,application/xml,text/xml"
MAX_BATCH_FILES = 50


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe)."""

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _upload_widget(widget_class, **attrs):
    widget = widget_class(attrs={"class": "fr-upload", "accept": ACCEPT, **attrs})
    widget.group_class = "fr-upload-group"
    return widget


class _SupplierForm(PortalForm):
    supplier = forms.ModelChoiceField(
        label=_("Structure émettrice"),
        queryset=Structure.objects.none(),
        empty_label=None,
        help_text=_("La structure pour laquelle vous émettez la facture."),
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = structures
        if len(structures) == 1:
            self.fields["supplier"].initial = structures[0].pk
            self.fields["supplier"].widget = forms.HiddenInput()


class DepositForm(_SupplierForm):
    file = forms.FileField(
        label=_("Fichier de la facture"),
        widget=_upload_widget(forms.FileInput),
        help_text=_("Un fichier PDF ou XML (UBL 2.1, CII D16B, Factur-X)."),
    )


class BatchDepositForm(_SupplierForm):
    files = MultipleFileField(
        label=_("Fichiers des factures"),
        widget=_upload_widget(MultipleFileInput),
        help_text=_("Sélectionnez plusieurs fichiers PDF ou XML à la fois."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_BATCH_FILES:
            raise forms.ValidationError(
                _("Déposez au plus %(max)s fichiers à la fois.") % {"max": MAX_BATCH_FILES}
            )
        return files

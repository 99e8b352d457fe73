from django import forms
from django.utils.translation import gettext_lazy as _

from tamnong.core.widgets import DateInput

from .models import Activity, CatalogEntry, Commendation, Contribution, FundingRecord


class ScopedDivisionForm(forms.ModelForm):
    """A record entered for a unit the user may edit. `list_columns`: the fields its list on the
    records page shows, in order."""

    list_columns: tuple[str, ...] = ()

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if divisions is not None:
            self.fields["division"].queryset = divisions
        self.fields["division"].label = _("Đơn vị hành chính")
        for name, group in (("component", "component"), ("source", "source"), ("kind", "activity")):
            if name in self.fields:
                self.fields[name].queryset = CatalogEntry.objects.filter(group=group, active=True)


class FundingForm(ScopedDivisionForm):
    list_columns = ("division", "year", "component", "source", "allocated", "disbursed")

    class Meta:
        model = FundingRecord
        fields = ["division", "year", "component", "source", "allocated", "disbursed", "note"]
        error_messages = {
            "__all__": {"unique_together": _("Đã có dòng vốn này; hãy sửa dòng đã có.")}
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("allocated") is not None
            and data.get("disbursed") is not None
            and data["disbursed"] > data["allocated"]
        ):
            self.add_error("disbursed", _("Vốn giải ngân không được lớn hơn vốn phân bổ."))
        return data

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude)
        except forms.ValidationError as exc:
            raise forms.ValidationError(
                _("Đã có dòng vốn cho đơn vị, năm, nội dung và nguồn này.")
            ) from exc


class ContributionForm(ScopedDivisionForm):
    list_columns = ("division", "year", "purpose", "contributor", "units", "value")

    class Meta:
        model = Contribution
        fields = ["division", "year", "purpose", "contributor", "units", "value"]


class ActivityForm(ScopedDivisionForm):
    list_columns = ("division", "date", "kind", "title", "participants", "materials")

    class Meta:
        model = Activity
        fields = ["division", "date", "kind", "component", "title", "participants", "materials"]
        widgets = {"date": DateInput()}


class CommendationForm(ScopedDivisionForm):
    list_columns = ("division", "date", "decision_number", "level", "recipient_kind", "recipient")

    class Meta:
        model = Commendation
        fields = [
            "division",
            "date",
            "decision_number",
            "level",
            "recipient_kind",
            "recipient",
            "component",
        ]
        widgets = {"date": DateInput()}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp .xlsx hoặc .csv"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if f.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 50 MB)."))
        return f

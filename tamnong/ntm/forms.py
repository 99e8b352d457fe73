from django import forms
from django.utils.translation import gettext_lazy as _

from tamnong.core.widgets import DateInput
from tamnong.decisions.forms import DecisionForm

from .models import RecognitionKind, TargetMetric, TargetReading


class ProfileForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=2100)
    classification = forms.ChoiceField(
        label=_("Phân loại theo"),
        choices=[("region", _("Vùng (2021–2025)")), ("group", _("Nhóm xã (2026–2030)"))],
    )
    column = forms.CharField(label=_("Mã vùng/nhóm"), max_length=20)
    special = forms.BooleanField(label=_("Xã ĐBKK/ATK (áp dụng mức TDMNPB)"), required=False)
    decision_ref = forms.CharField(label=_("Văn bản phân loại"), max_length=200, required=False)


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=2100)
    set_key = forms.ChoiceField(label=_("Bộ tiêu chí"))

    def __init__(self, *args, sets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set_key"].choices = [(cs.key, str(cs)) for cs in sets]


class OverrideForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Giá trị thay thế"), max_length=40)
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class EvidenceForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Tệp minh chứng"))
    description = forms.CharField(label=_("Mô tả"), max_length=300, required=False)


class DossierForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Đề nghị công nhận"),
        choices=[
            (k, v) for k, v in RecognitionKind.choices if k.startswith(("commune", "village"))
        ],
    )
    on = forms.DateField(label=_("Ngày tự đánh giá"), widget=DateInput())


class ConsultationForm(forms.Form):
    on = forms.DateField(label=_("Ngày lấy ý kiến"), widget=DateInput())
    satisfaction_pct = forms.DecimalField(
        label=_("Tỷ lệ hài lòng (%)"), min_value=0, max_value=100, decimal_places=2
    )


class AppraisalForm(forms.Form):
    on = forms.DateField(label=_("Ngày thẩm định"), widget=DateInput())
    passed = forms.TypedChoiceField(
        label=_("Kết quả"),
        choices=[("1", _("Đạt")), ("0", _("Không đạt"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Kết luận"), max_length=500, required=False)


class RevokeForm(DecisionForm):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=500)


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=2100)
    metric = forms.ChoiceField(label=_("Chỉ tiêu kế hoạch"), choices=TargetMetric.choices)
    reading = forms.ChoiceField(
        label=_("Cách tính"), choices=TargetReading.choices, initial=TargetReading.CUMULATIVE
    )
    value = forms.DecimalField(label=_("Giá trị"), min_value=0, decimal_places=2)


class RecordForm(DecisionForm):
    """A recognition from its decision (huyện, thị xã, tỉnh; or a xã/thôn from the records)."""

    kind = forms.ChoiceField(label=_("Loại công nhận"), choices=RecognitionKind.choices)
    year = forms.IntegerField(label=_("Năm công nhận"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    field_order = ["kind", "year", "number", "signed_on", "issuer", "signer", "note"]


UNIT_KINDS = [
    RecognitionKind.DISTRICT_NTM,
    RecognitionKind.DISTRICT_ADVANCED,
    RecognitionKind.DISTRICT_MODEL,
    RecognitionKind.TOWN_COMPLETED,
    RecognitionKind.PROVINCE_COMPLETED,
]


class UnitDossierForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Đề nghị công nhận"),
        choices=[(k.value, k.label) for k in UNIT_KINDS],
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    on = forms.DateField(label=_("Ngày báo cáo tự đánh giá"), widget=DateInput())


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp bộ tiêu chí (Excel theo mẫu, hoặc tệp dữ liệu YAML)"))


class ResultsUploadForm(forms.Form):
    """The results of one criteria set and year for many communes (nhập hàng loạt)."""

    set_key = forms.ChoiceField(label=_("Bộ tiêu chí"))
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=2100)
    file = forms.FileField(label=_("Tệp kết quả (.xlsx, .xls hoặc .csv)"), required=False)

    def __init__(self, *args, sets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set_key"].choices = [(cs.key, str(cs)) for cs in sets]


class ProfilesUploadForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=2100)
    classification = forms.ChoiceField(
        label=_("Phân loại theo"),
        choices=[("region", _("Vùng (2021–2025)")), ("group", _("Nhóm xã (2026–2030)"))],
    )
    file = forms.FileField(label=_("Tệp phân loại (.xlsx, .xls hoặc .csv)"), required=False)

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from tamnong.core.widgets import DateInput

from .models import ReviewRound
from .services import ReviewInput

MAX_UPLOAD_MB = 200


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp .xlsx hoặc .csv"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in {".xlsx", ".csv"}:
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if f.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn hơn %(n)s MB.") % {"n": MAX_UPLOAD_MB})
        return f


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("Năm rà soát"), min_value=2000, max_value=2100)
    income = forms.IntegerField(label=_("Thu nhập bình quân (đồng/người/tháng)"), min_value=0)
    members = forms.IntegerField(label=_("Số nhân khẩu"), min_value=1, max_value=99)
    housing_area = forms.FloatField(label=_("Diện tích nhà ở (m²)"), min_value=0, required=False)
    deprived = forms.CharField(
        label=_("Chỉ số thiếu hụt"),
        required=False,
        help_text=_("Số thứ tự các chỉ số, cách nhau bởi dấu phẩy (ví dụ 1,4,8)."),
    )
    arising_reason = forms.CharField(
        label=_("Lý do phát sinh (khi kỳ rà soát đã được công nhận)"), required=False
    )

    def clean_deprived(self):
        text = self.cleaned_data["deprived"].strip()
        if not text:
            return set()
        parts = [p for p in re.split(r"[,;\s]+", text) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Chỉ ghi số thứ tự chỉ số, cách nhau bởi dấu phẩy."))
        return {int(p) for p in parts}

    def review_input(self) -> ReviewInput:
        d = self.cleaned_data
        return ReviewInput(
            income=d["income"],
            members=d["members"],
            deprived=d["deprived"],
            housing_area=d["housing_area"],
            arising_reason=d["arising_reason"],
        )


class RoundStepForm(forms.Form):
    step = forms.ChoiceField(
        label=_("Bước"), choices=[c for c in ReviewRound.Step.choices if c[0] != "planned"]
    )
    on = forms.DateField(label=_("Ngày"), widget=DateInput())
    decision_number = forms.CharField(label=_("Số quyết định công nhận"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False)

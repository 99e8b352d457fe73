from django import forms
from django.utils.translation import gettext_lazy as _

VILLAGE_KINDS = [
    ("thon", _("Thôn")),
    ("ap", _("Ấp")),
    ("ban", _("Bản")),
    ("to_dan_pho", _("Tổ dân phố")),
    ("khu_pho", _("Khu phố")),
]


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Tên thôn/ấp/bản/tổ dân phố"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại"), choices=VILLAGE_KINDS)
    code = forms.RegexField(
        label=_("Mã (không bắt buộc)"),
        regex=r"^[0-9A-Za-z.-]{1,20}$",
        required=False,
        error_messages={
            "invalid": _("Mã chỉ gồm chữ, số, dấu chấm và gạch nối (tối đa 20 ký tự).")
        },
    )

    successor_code = forms.CharField(
        label=_("Thôn kế thừa (mã, chỉ với xã cũ; trống: tạo thôn cùng tên ở xã mới)"),
        max_length=20,
        required=False,
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Tên quá ngắn."))
        return name


class ChangeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp thay đổi (YAML)"),
        help_text=_("Định dạng: data/divisions/README.md, mục «Tệp thay đổi»."),
    )

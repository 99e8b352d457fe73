from django import forms
from django.utils.translation import gettext_lazy as _

from tamnong.core.widgets import DateInput
from tamnong.decisions.forms import DecisionForm
from tamnong.divisions.models import Division, Level

from .models import Channel, Dossier, DossierFile, Producer, ProducerKind, Seat
from .services.registry import PRODUCER_FIELDS


class ProducerForm(forms.ModelForm):
    division = forms.ModelChoiceField(
        queryset=Division.objects.none(), label=_("Xã/phường"), empty_label=None
    )

    class Meta:
        model = Producer
        fields = list(PRODUCER_FIELDS)  # what an officer may correct, the same in the service

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = (
            divisions if divisions is not None else Division.objects.none()
        )
        self.fields["kind"].choices = ProducerKind.choices


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Tên sản phẩm"), max_length=255)
    set_no = forms.TypedChoiceField(label=_("Bộ sản phẩm"), coerce=int)
    description = forms.CharField(
        label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    raw_material_area = forms.CharField(label=_("Vùng nguyên liệu"), max_length=255, required=False)
    raw_material_ha = forms.DecimalField(
        label=_("Diện tích vùng nguyên liệu (ha)"),
        max_digits=10,
        decimal_places=2,
        required=False,
        min_value=0,
    )

    def __init__(self, *args, sets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set_no"].choices = [
            (s.set_no, f"{s.set_no}. {s.product_set} ({s.product_group})") for s in sets
        ]


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại kênh"), choices=Channel.Kind.choices)
    name = forms.CharField(label=_("Tên"), max_length=200)
    country = forms.CharField(label=_("Mã quốc gia (xuất khẩu)"), max_length=2, required=False)
    since = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())


class FairForm(forms.Form):
    name = forms.CharField(label=_("Hội chợ, triển lãm"), max_length=255)
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    held_on = forms.DateField(label=_("Ngày"), required=False, widget=DateInput())


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=DossierFile.Kind.choices)
    criterion = forms.CharField(
        label=_("Tiêu chí (mã, nếu là minh chứng)"), max_length=20, required=False
    )
    file = forms.FileField(label=_("Tệp"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # the producer's form: the commune uploads its own report
            self.fields["kind"].choices = [
                c for c in DossierFile.Kind.choices if c[0] != DossierFile.Kind.COMMUNE_REPORT
            ]


class OpenDossierForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại hồ sơ"),
        choices=[(k, v) for k, v in Dossier.Kind.choices if k != Dossier.Kind.IMPORTED],
    )


def _person(obj) -> str:
    name = (obj.full_name or "").strip()
    return f"{name} ({obj.username})" if name and name != obj.username else obj.username


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _person(obj)


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _person(obj)


def _people(candidates):
    from tamnong.accounts.models import User

    return User.objects.filter(pk__in=[u.pk for u in candidates]).order_by("full_name", "username")


class SessionForm(forms.Form):
    """A council session; its people are picked from those holding a council role in the
    province (services.council_candidates), never typed."""

    name = forms.CharField(label=_("Tên phiên họp"), max_length=255)
    held_on = forms.DateField(label=_("Ngày họp"), widget=DateInput())
    chair = PersonChoice(
        queryset=None, label=_("Chủ tịch Hội đồng"), required=False, empty_label="–"
    )
    members = PeopleChoice(
        queryset=None, label=_("Thành viên chấm điểm"), widget=forms.CheckboxSelectMultiple
    )
    secretary = PersonChoice(queryset=None, label=_("Thư ký"), empty_label="–")
    advisors = PeopleChoice(
        queryset=None,
        label=_("Tổ tư vấn"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "members", "secretary", "advisors"):
            self.fields[name].queryset = _people(candidates)

    def seats(self) -> list[tuple]:
        data = self.cleaned_data
        seats = [(u, Seat.Role.MEMBER) for u in data["members"]]
        if data.get("chair"):
            seats.insert(0, (data["chair"], Seat.Role.CHAIR))
        seats.append((data["secretary"], Seat.Role.SECRETARY))
        seats += [(u, Seat.Role.ADVISOR) for u in data.get("advisors") or []]
        return seats


class SeatForm(forms.Form):
    user = PersonChoice(queryset=None, label=_("Người được bổ sung"), empty_label="–")
    role = forms.ChoiceField(label=_("Vai trò trong phiên"), choices=Seat.Role.choices)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people(candidates)


class RevokeForm(DecisionForm):
    """Under a regime with a `revocation` rule (26/2026 Điều 8) the form asks for a ground of
    its list and the day of the finding; the service decides what is required."""

    ground = forms.ChoiceField(label=_("Căn cứ thu hồi"), required=False, choices=())
    found_on = forms.DateField(
        label=_("Ngày có kết luận về vi phạm"), required=False, widget=DateInput()
    )
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    late_reason = forms.CharField(
        label=_("Lý do quá thời hạn (nếu có)"), max_length=500, required=False
    )

    def __init__(self, *args, rule: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if rule is None:
            for name in ("ground", "found_on", "late_reason"):
                del self.fields[name]
            self.fields["reason"].required = True
            return
        self.fields["ground"].choices = [("", "—")] + [
            (str(g["code"]), f"{g['code']}) {g['text']}") for g in rule.get("grounds") or []
        ]
        self.fields["ground"].label = _("Căn cứ thu hồi (%(article)s.1)") % {
            "article": rule.get("article", "")
        }
        self.fields["found_on"].help_text = _(
            "Quyết định thu hồi trong %(days)s ngày kể từ ngày này (%(article)s.4)."
        ) % {"days": rule.get("within_days"), "article": rule.get("article", "")}


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại kiểm tra"), choices=())
    inspected_on = forms.DateField(label=_("Ngày kiểm tra"), widget=DateInput())
    authority = forms.ChoiceField(
        label=_("Cấp kiểm tra"),
        choices=[("province", _("Cấp tỉnh")), ("central", _("Bộ Nông nghiệp và Môi trường"))],
    )
    findings = forms.CharField(
        label=_("Kết quả kiểm tra"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    maintained = forms.BooleanField(
        label=_("Sản phẩm duy trì các tiêu chí"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        from .models import Inspection

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Inspection.Kind.choices


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp"))


def province_choices():
    from tamnong.divisions.services import current_map

    cur = current_map()
    return (
        Division.objects.filter(map=cur, level=Level.PROVINCE).order_by("name")
        if cur
        else Division.objects.none()
    )


class CentralResultForm(forms.Form):
    """The ministry's decision on a product forwarded for 5★ (quyết định của Bộ)."""

    stars = forms.TypedChoiceField(
        label=_("Hạng sao Bộ công nhận"),
        coerce=int,
        choices=[(n, _("%(n)s sao") % {"n": n}) for n in (5, 4, 3, 2, 1)],
    )
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DateInput())
    issuer = forms.CharField(
        label=_("Cơ quan ban hành"), max_length=200, initial=_("Bộ Nông nghiệp và Môi trường")
    )

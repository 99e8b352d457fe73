from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tamnong.divisions.models import Division

from .models import NATIONAL_ROLES, Role, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản đã bị khóa."),
        "locked": _(
            "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau %(minutes)s phút."
        ),
        "address_locked": _(
            "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau %(minutes)s phút."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            for flag, code in (
                ("login_address_locked", "address_locked"),
                ("login_locked", "locked"),
            ):
                if getattr(self.request, flag, False):
                    raise forms.ValidationError(
                        self.error_messages[code],
                        code=code,
                        params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                    ) from None
            raise


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=100)
    days = forms.IntegerField(label=_("Hiệu lực (ngày)"), min_value=1, max_value=730, initial=90)


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    division = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=Division.objects.none(),
        required=False,
        help_text=_("Để trống cho vai trò cấp Trung ương."),
    )
    role = forms.ChoiceField(
        label=_("Vai trò"), choices=[c for c in Role.choices if c[0] != Role.ADMIN]
    )

    def __init__(self, *args, divisions=None, national: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if divisions is not None:
            self.fields["division"].queryset = divisions
        if not national:  # only a system administrator gives the national roles
            self.fields["role"].choices = [
                c for c in self.fields["role"].choices if c[0] not in NATIONAL_ROLES
            ]

    def clean(self):
        data = super().clean()
        role, division = data.get("role"), data.get("division")
        if role in NATIONAL_ROLES and division is not None:
            self.add_error("division", _("Vai trò cấp Trung ương không gắn với một đơn vị."))
        elif role and role not in NATIONAL_ROLES and division is None:
            self.add_error("division", _("Chọn đơn vị cho vai trò này."))
        return data

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not User.username_validator.regex.match(username):
            raise forms.ValidationError(_("Tên đăng nhập chỉ gồm chữ, số và @ . + - _"))
        return username

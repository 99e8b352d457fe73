"""The fields of an issued decision (số, ngày ký, cơ quan ban hành, người ký), the same on every
page that records one (OCOP and NTM): `decisions.services.record_decision` takes them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tamnong.core.widgets import DateInput


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DateInput())
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    signer = forms.CharField(label=_("Người ký"), max_length=150, required=False)

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tamnong.access.lookups import require_role
from tamnong.access.roles import MANAGER_ROLES
from tamnong.access.scope import Scope
from tamnong.audit.services import record_denied
from tamnong.divisions.models import Division, Level

from . import services
from .forms import LoginForm, MembershipForm, TokenForm
from .models import Membership


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/form.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"title": "Đổi mật khẩu"}

    def form_valid(self, form):
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return super().form_valid(form)


@login_required
def profile(request):
    tokens = request.user.api_tokens.order_by("-created_at")
    new_token = request.session.pop("new_token", None)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": request.user.memberships.select_related("division"),
            "tokens": tokens,
            "token_form": TokenForm(),
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, raw = services.issue_token(
            request.user, form.cleaned_data["name"], form.cleaned_data["days"]
        )
        request.session["new_token"] = raw
        return redirect("accounts:profile")
    tokens = request.user.api_tokens.order_by("-created_at")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": request.user.memberships.select_related("division"),
            "tokens": tokens,
            "token_form": form,
        },
        status=400,
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    services.revoke_token(request.user, token)
    messages.success(request, _("Đã thu hồi khóa API."))
    return redirect("accounts:profile")


def _manageable_divisions(scope: Scope):
    """Current units (not old ones) inside the user's management scope."""
    qs = Division.objects.resolved()
    return scope.filter(qs, path_field="path", roles=MANAGER_ROLES).order_by("path")


@login_required
def members(request):
    scope = require_role(request, MANAGER_ROLES, "members")
    divisions = _manageable_divisions(scope).filter(level__in=[Level.PROVINCE, Level.COMMUNE])
    form = MembershipForm(request.POST or None, divisions=divisions, national=scope.is_admin)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            membership, password = services.grant_membership(request.user, **form.cleaned_data)
            msg = _("Đã phân quyền %(role)s cho %(user)s.") % {
                "role": membership.get_role_display(),
                "user": membership.user,
            }
            if password:
                msg += " " + _("Mật khẩu ban đầu: %(pw)s") % {"pw": password}
            messages.success(request, msg)
            return redirect("accounts:members")
        status = 400
    listing = scope.filter(
        Membership.objects.select_related("user", "division"), roles=MANAGER_ROLES
    ).order_by("division__path", "user__username")
    return render(
        request,
        "accounts/members.html",
        {"form": form, "memberships": listing[:500]},
        status=status,
    )


@login_required
@require_POST
def membership_revoke(request, pk: int):
    membership = get_object_or_404(Membership, pk=pk)
    try:
        services.revoke_membership(request.user, membership)
    except PermissionDenied:
        record_denied(request, f"revoke membership {pk}", membership.division)
        raise
    messages.success(request, _("Đã thu hồi phân quyền."))
    return redirect("accounts:members")

"""JSON API under /api/v1/: OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs.

Browser sessions (with CSRF) and bearer tokens (`Authorization: Bearer tn_…`) are both
accepted. Every endpoint scopes its data with `Scope`/`visible_to`, like the pages.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from tamnong.accounts.services import authenticate_token
from tamnong.audit import context
from tamnong.audit.middleware import request_actor
from tamnong.audit.services import record_denied
from tamnong.core.api_errors import translate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = authenticate_token(token)
        if user is not None:
            request.user = user
            context.set_actor(request_actor(request, user))
        return user


class SessionAuth(APIKeyCookie):
    """Django session cookie; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


DESCRIPTION = f"""OCOP, nông thôn mới, giảm nghèo bền vững – dữ liệu theo phạm vi của người dùng.

**Danh sách** trả về một trang `{{items, count, next}}`: `limit` mặc định {settings.API_PAGE_SIZE},
tối đa {settings.API_MAX_PAGE_SIZE} bản ghi mỗi trang; `offset` từ 0 đến {settings.API_MAX_OFFSET}.
Giá trị ngoài khoảng hoặc không phải số nguyên bị từ chối với 422 (không tự cắt bớt).
`next` là địa chỉ trang sau (null ở trang cuối). Danh sách lớn (hộ gia đình, nhật ký) phân trang
theo con trỏ: đi theo `next` (hoặc gửi lại `cursor` = `next_cursor`), không lặp, không sót bản ghi.
"""


class FieldError(Schema):
    field: str
    message: str
    type: str = ""


class ApiError(Schema):
    """Every refusal: `detail`, and for 400/422 one message per field."""

    detail: str
    errors: list[FieldError] = []


ERROR_ANSWERS = {
    400: "Dữ liệu trái quy tắc nghiệp vụ (thông báo theo từng trường).",
    401: "Cần đăng nhập hoặc khóa API hợp lệ.",
    403: "Không có quyền: vai trò không được làm bước này, hoặc đơn vị ngoài phạm vi.",
    404: "Không tìm thấy (hoặc bản ghi ngoài phạm vi của bạn).",
    422: "Tham số hoặc nội dung sai dạng (thông báo theo từng trường).",
}


class TamNongAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Ninja documents only the answers an operation declares; every operation may also be
        refused by the handlers below, in the one `ApiError` shape."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(error.pop("$defs", {}))
        components["ApiError"] = error
        ref = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        }
        for operations in schema["paths"].values():
            for op in operations.values():
                responses = op.setdefault("responses", {})
                for code, description in ERROR_ANSWERS.items():
                    if code not in responses and str(code) not in responses:
                        responses[code] = {"description": description, **ref}
        return schema


api = TamNongAPI(
    title="Tam Nông API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    return api.create_response(
        request, {"detail": "Dữ liệu không hợp lệ.", "errors": translate(exc.errors)}, status=422
    )


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc):
    if hasattr(exc, "message_dict"):
        errors = [{"field": f, "message": " ".join(m)} for f, m in exc.message_dict.items()]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    return api.create_response(
        request, {"detail": "Dữ liệu không hợp lệ.", "errors": errors}, status=400
    )


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    record_denied(request, f"API {request.method} {request.path}")
    return api.create_response(
        request, {"detail": str(exc) or "Bạn không có quyền thực hiện thao tác này."}, status=403
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Cần đăng nhập hoặc khóa API hợp lệ."}, status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _register_routers() -> None:
    from tamnong.accounts.api import router as accounts_router
    from tamnong.audit.api import router as audit_router
    from tamnong.divisions.api import router as divisions_router
    from tamnong.jobs.api import router as jobs_router
    from tamnong.ntm.api import router as ntm_router
    from tamnong.ocop.api import router as ocop_router
    from tamnong.poverty.api import router as poverty_router
    from tamnong.reports.api import router as reports_router

    api.add_router("/me", accounts_router)
    api.add_router("/divisions", divisions_router)
    api.add_router("/audit", audit_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("/ocop", ocop_router)
    api.add_router("/ntm", ntm_router)
    api.add_router("/poverty", poverty_router)
    api.add_router("/reports", reports_router)


_register_routers()

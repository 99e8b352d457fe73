"""Field-level Vietnamese messages for API validation errors (pydantic error types)."""

from __future__ import annotations

MESSAGES = {
    "missing": "Bắt buộc nhập.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "float_parsing": "Phải là số.",
    "float_type": "Phải là số.",
    "decimal_parsing": "Phải là số.",
    "bool_parsing": "Phải là đúng/sai (true/false).",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_short": "Quá ngắn (tối thiểu {min_length} ký tự).",
    "string_too_long": "Quá dài (tối đa {max_length} ký tự).",
    "string_pattern_mismatch": "Sai định dạng.",
    "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_type": "Ngày không hợp lệ.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "enum": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "literal_error": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "model_attributes_type": "Dữ liệu không đúng dạng đối tượng.",
    "dict_type": "Dữ liệu không đúng dạng đối tượng.",
    "list_type": "Phải là danh sách.",
    "value_error": "{msg}",
    "cursor_invalid": "Con trỏ trang (cursor) không hợp lệ; hãy đi theo địa chỉ `next` của trang trước.",
}


def translate(errors: list[dict]) -> list[dict]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        ctx = dict((err.get("ctx") or {}).items())
        template = MESSAGES.get(err.get("type", ""))
        try:
            message = (
                template.format(msg=err.get("msg", ""), **ctx) if template else err.get("msg", "")
            )
        except (KeyError, IndexError):
            message = err.get("msg", "")
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        out.append({"field": ".".join(loc), "message": message, "type": err.get("type", "")})
    return out

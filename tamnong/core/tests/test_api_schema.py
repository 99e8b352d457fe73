"""The OpenAPI schema tells the truth: one component per name, each request body documented as
the server reads it, and the error answers documented."""

from __future__ import annotations

import pytest
from ninja.openapi.schema import OpenAPISchema

from tamnong.api import api

ERRORS = {"400", "401", "403", "404", "422"}


def _operations():
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                yield f"/api/v1{prefix}{path}".rstrip("/"), op


def _body_model(op):
    for model in op.models:
        if getattr(model, "__ninja_param_source__", None) == "body":
            (field,) = model.model_fields.values()
            return field.annotation
    return None


def test_no_two_schemas_share_a_component_name(monkeypatch):
    seen: dict[str, list[dict]] = {}
    original = OpenAPISchema.add_schema_definitions

    def record(self, definitions):
        for name, definition in definitions.items():
            if definition not in seen.setdefault(name, []):
                seen[name].append(definition)
        return original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", record)
    api.get_openapi_schema()
    clashes = {name: len(defs) for name, defs in seen.items() if len(defs) > 1}
    assert clashes == {}


def test_the_ocop_dossier_is_opened_with_a_product():
    schema = api.get_openapi_schema()
    body = schema["paths"]["/api/v1/ocop/dossiers"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "product_id" in schema["components"]["schemas"][ref]["required"]


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


BODIES = [(path, op) for path, op in _operations() if _body_model(op) is not None]


@pytest.mark.parametrize("path, op", BODIES, ids=[f"{op.methods[0]} {path}" for path, op in BODIES])
def test_each_documented_request_body_is_the_one_the_server_reads(path, op):
    schema = api.get_openapi_schema()
    model = _body_model(op)
    documented_op = schema["paths"][path][op.methods[0].lower()]
    documented = _resolve(
        schema, documented_op["requestBody"]["content"]["application/json"]["schema"]
    )
    actual = model.model_json_schema()
    assert set(documented.get("properties", {})) == set(actual.get("properties", {}))
    assert set(documented.get("required", [])) == set(actual.get("required", []))


def test_every_operation_documents_its_error_answers():
    schema = api.get_openapi_schema()
    missing = {}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            codes = {str(c) for c in op["responses"]}
            if ERRORS - codes:
                missing[f"{method.upper()} {path}"] = sorted(ERRORS - codes)
    assert missing == {}
    error = schema["components"]["schemas"]["ApiError"]
    assert error["required"] == ["detail"]
    assert "errors" in error["properties"]

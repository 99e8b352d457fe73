def test_resolve_an_old_commune_to_its_current_unit(client, personas, geo):
    client.force_login(personas.leader)
    body = client.get("/api/v1/divisions/resolve?code=10002&level=commune&map=old").json()
    assert (body["code"], body["name"], body["map"]) == ("10001", "Xã An Bình", "new")


def test_resolve_as_of_the_old_map(client, personas, geo):
    client.force_login(personas.leader)
    body = client.get("/api/v1/divisions/resolve?code=20002&level=commune&map=new&as_of=old").json()
    assert (body["code"], body["map"]) == ("20002", "old")


def test_division_detail_lists_successors_and_predecessors(client, personas, geo):
    client.force_login(personas.leader)
    body = client.get(f"/api/v1/divisions/{geo.commune_a.pk}").json()
    assert {p["unit"]["code"] for p in body["predecessors"]} == {"10001", "10002", "10003"}
    chau = client.get(f"/api/v1/divisions/{geo.old_commune_chau.pk}").json()
    assert {(s["unit"]["code"], s["partial"], s["primary"]) for s in chau["successors"]} == {
        ("10001", True, False),
        ("10003", True, True),
    }


def test_invalid_query_parameters_get_vietnamese_field_messages(client, personas, geo):
    client.force_login(personas.leader)
    response = client.get("/api/v1/divisions?level=galaxy&limit=abc")
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["level"].startswith("Giá trị không hợp lệ")
    assert errors["limit"] == "Phải là số nguyên."
    missing = client.get("/api/v1/divisions/resolve?code=1")
    assert missing.status_code == 422
    assert {"field": "level", "message": "Bắt buộc nhập.", "type": "missing"} in missing.json()[
        "errors"
    ]


def test_unknown_units_are_404_not_500(client, personas, geo):
    client.force_login(personas.leader)
    assert client.get("/api/v1/divisions/999999").status_code == 404
    assert client.get("/api/v1/divisions/resolve?code=77777&level=commune").status_code == 404


def test_the_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Tam Nông API"
    assert "/api/v1/divisions/resolve" in schema["paths"]


def test_village_form_errors_are_field_level_and_nothing_is_written(client, personas, geo):
    client.force_login(personas.alice)
    url = f"/divisions/{geo.commune_a.pk}/"
    before = geo.commune_a.children.count()
    response = client.post(url, {"name": "Thôn A1", "kind": "thon", "code": "bad code!"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "Mã chỉ gồm chữ, số" in form.errors["code"][0]
    response = client.post(url, {"name": "Thôn A1", "kind": "thon"})
    assert response.status_code == 400
    assert "đã có" in response.context["form"].errors["name"][0]
    assert geo.commune_a.children.count() == before

def test_the_ui_is_vietnamese_even_for_an_english_browser(client, db):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in body and "Đăng nhập" in body


def test_english_is_available_on_request(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_the_english_ui_is_translated(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" not in body

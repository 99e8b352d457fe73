"""The OCOP round trip in a real headless Chromium (Debian's package; no browser download).

Every workflow step is clicked and filled on the HTML pages, each user in a browser context of
their own; only the setting (criteria set, producer record, council members' accounts) comes from
the factories. Skipped, with the reason printed, when `chromium` is not installed.
"""

import re

import pytest
from django.utils import timezone

from tamnong.conftest import browser_tests

pytestmark = browser_tests

# Generous: the machine is shared; these are upper bounds for waiting, never assertions on speed.
WAIT_MS = 60_000


@pytest.fixture
def new_page(pages):
    """`new_page(live_server, username=None)`: a page in a fresh browser context (the shared
    `pages` fixture), logged in when a user is named."""
    return lambda live_server, username=None: pages(live_server.url, username, timeout_ms=WAIT_MS)


@pytest.fixture
def live(settings, live_server, tmp_path):
    """The live server, with uploads kept out of var/ and the QR code pointing at this server."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url
    return live_server


def submit(page, selector: str) -> None:
    """Click a submit button and wait for the page the server answers with (after redirects);
    a refused step shows its Vietnamese message, which the assertion prints."""
    with page.expect_navigation() as nav:
        page.click(selector)
    response = nav.value
    errors = page.locator("main .messages .error, main .errorlist").all_inner_texts()
    assert response is not None and response.status == 200 and not errors, (
        page.url,
        response and response.status,
        errors,
    )


def test_the_full_ocop_round_trip_in_chromium(new_page, live, geo, personas):
    from tamnong.accounts.models import Role
    from tamnong.ocop.models import Certificate, Dossier
    from tamnong.testing.ocop import (
        SYNTHETIC_SET_NO,
        cooperative,
        install_synthetic_both,
        user_with,
    )

    install_synthetic_both()
    producer = cooperative(geo, personas, name="HTX Miến Na Rì")
    members = [user_with(f"thanhvien{i}", geo.province, Role.COUNCIL_MEMBER) for i in range(5)]
    today = timezone.localdate()

    # The producer (producer_ref P-1) registers a product, then a dossier for it.
    page = new_page(live, "producer")
    page.goto(f"{live.url}/ocop/chu-the/{producer.pk}/")
    page.click("a[href$='/san-pham/them/']")
    page.fill("main form input[name=name]", "Miến dong Na Rì")
    page.select_option("main form select[name=set_no]", str(SYNTHETIC_SET_NO))
    submit(page, "main form button[type=submit]")
    assert page.locator("h1").inner_text().startswith("Miến dong Na Rì")
    open_form = "main form:has(input[name=action][value=open])"
    page.select_option(f"{open_form} select[name=kind]", "new")
    submit(page, f"{open_form} button[type=submit]")
    dossier = Dossier.objects.get(product__name="Miến dong Na Rì")
    dossier_url = f"{live.url}/ocop/ho-so/{dossier.pk}/"
    assert page.url == dossier_url

    # Upload the registration form, self-assess, submit.
    file_form = "main form:has(input[name=action][value=file])"
    page.select_option(f"{file_form} select[name=kind]", "registration")
    page.set_input_files(
        f"{file_form} input[name=file]",
        files=[
            {
                "name": "phieu-dang-ky.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 phieu dang ky",
            }
        ],
    )
    submit(page, f"{file_form} button")
    assert page.locator("main a:has-text('phieu-dang-ky.pdf')").count() == 1
    self_form = "main form:has(input[name=action][value=self_assessment])"
    for code, points in {"1.a": "10", "1.b": "10", "2.a": "15", "3.a": "20"}.items():
        page.select_option(f"{self_form} select[name='c_{code}']", points)
    submit(page, f"{self_form} button")
    assert "Đã lưu bản tự đánh giá." in page.locator("main .messages").inner_text()
    assert "Tự đánh giá: 55 điểm" in page.locator("main").inner_text()
    submit(page, "main form:has(input[name=action][value=submit]) button")
    assert "Đã nộp, chờ xã kiểm tra" in page.locator("main").inner_text()

    # The commune officer checks it, scores the local criterion, reports and forwards it.
    page = new_page(live, "alice")
    page.goto(dossier_url)
    commune_form = "main form:has(input[name=action][value=commune])"
    page.select_option(f"{commune_form} select[name='c_1.b']", "10")
    page.fill(f"{commune_form} textarea[name=report]", "Hồ sơ đầy đủ, nguyên liệu tại xã.")
    submit(page, f"{commune_form} button")
    assert "Báo cáo đánh giá của xã" in page.locator("main").inner_text()
    dossier.refresh_from_db()
    assert dossier.state == Dossier.State.FORWARDED

    # The coordinator sets up a session of five members and a secretary and adds the dossier.
    page = new_page(live, "coordinator")
    page.goto(f"{live.url}/ocop/hoi-dong/them/")
    page.fill("main form input[name=name]", "Phiên 1/2026")
    page.fill("main form input[name=held_on]", today.isoformat())
    for m in members:
        page.check(f"main form input[name=members][value='{m.pk}']")
    page.select_option("main form select[name=secretary]", str(personas.secretary.pk))
    submit(page, "main form button[type=submit]")
    session_url = page.url
    assert re.fullmatch(rf"{re.escape(live.url)}/ocop/hoi-dong/\d+/", session_url)
    assert "Thành phần (6)" in page.locator("main summary").first.inner_text()
    add_form = "main form:has(input[name=action][value=add])"
    page.check(f"{add_form} input[name=dossier][value='{dossier.pk}']")
    submit(page, f"{add_form} button")
    assert page.locator("main article a", has_text="Miến dong Na Rì").count() == 1

    # Each member fills the score sheet (the commune's criterion is locked on it).
    for member, quality in zip(members, ["20", "35", "20", "10", "20"], strict=True):
        page = new_page(live, member.username)
        page.goto(session_url)
        page.click("main summary:has-text('Chấm điểm (phiếu của bạn)')")
        sheet_form = "main form:has(input[name=action][value=sheet])"
        assert page.locator(f"{sheet_form} select[name='c_1.b']").count() == 0
        page.select_option(f"{sheet_form} select[name='c_1.a']", "10")
        page.select_option(f"{sheet_form} select[name='c_2.a']", "15")
        page.select_option(f"{sheet_form} select[name='c_3.a']", quality)
        submit(page, f"{sheet_form} button")
        assert "Đã nộp phiếu đánh giá." in page.locator("main .messages").inner_text()
        assert page.locator(sheet_form).count() == 0

    # The secretary closes the scoring: mean of the totals 55, 70, 55, 45, 55 and their spread.
    page = new_page(live, "secretary")
    page.goto(session_url)
    submit(page, "main form:has(input[name=action][value=close]) button")
    result = page.locator("main article").first.inner_text()
    assert "trung bình 56,00" in result and "5 phiếu" in result
    assert "Chênh lệch cao nhất – thấp nhất: 25" in result
    for m in members:
        assert m.username in result
    page.goto(dossier_url)
    text = page.locator("main").inner_text()
    assert "Điểm trung bình: 56,00" in text and "Chênh lệch giữa các thành viên: 25" in text

    # The coordinator records the recognition decision; a certificate is issued.
    page = new_page(live, "coordinator")
    page.goto(session_url)
    decision_form = "main form:has(input[name=action][value=recognise])"
    page.fill(f"{decision_form} input[name=number]", "12/QĐ-UBND")
    page.fill(f"{decision_form} input[name=signed_on]", today.isoformat())
    page.fill(f"{decision_form} input[name=issuer]", "UBND tỉnh Tỉnh Mới")
    submit(page, f"{decision_form} button")
    assert "Đã ban hành quyết định công nhận." in page.locator("main .messages").inner_text()
    cert = Certificate.objects.get()
    page.goto(f"{live.url}/ocop/giay-chung-nhan/")
    with page.expect_navigation():
        page.click(f"main a:has-text('{cert.number}')")
    assert "CÒN HIỆU LỰC" in page.locator("main p.state-valid").inner_text()

    # Its PDF downloads with the browser's session and carries the QR code's address.
    pdf_href = page.locator("main a[href$='/pdf/']").get_attribute("href")
    response = page.request.get(f"{live.url}{pdf_href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    qr_url = re.search(rb"/URI \((http[^)]+)\)", body).group(1).decode()
    assert qr_url == f"{live.url}/ocop/xac-minh/{cert.public_id}/"

    # A visitor (new context, no login) opens the QR address: VALID.
    page = new_page(live)
    page.goto(qr_url)
    status = page.locator("#status").inner_text()
    assert "CÒN HIỆU LỰC" in status and "VALID" in status
    text = page.locator("main").inner_text()
    assert "Miến dong Na Rì" in text and "HTX Miến Na Rì" in text and cert.number in text


def test_closing_a_session_asks_for_confirmation_and_names_who_has_not_submitted(
    new_page, live, geo, personas
):
    from tamnong.ocop import services
    from tamnong.ocop.models import CouncilSession
    from tamnong.testing.ocop import (
        answers,
        council,
        forwarded_dossier,
        install_synthetic_both,
        producer_and_product,
    )

    install_synthetic_both()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product)
    session, members = council(geo, personas, n=3)
    services.add_to_session(personas.coordinator, session, [dossier])
    services.submit_sheet(members[0], session, dossier, answers())
    session_url = f"{live.url}/ocop/hoi-dong/{session.pk}/"

    page = new_page(live, "secretary")
    page.goto(session_url)
    # One sheet of three: the confirmation page refuses and offers no button.
    with page.expect_navigation():
        page.click("main form:has(input[name=action][value=close]) button")
    assert page.url == f"{session_url}ket-thuc/"
    assert "Chưa đủ số phiếu để kết thúc phiên" in page.locator("#close-refused").inner_text()
    assert page.locator("#close-form").count() == 0
    assert "2/3" in page.locator("#quorum-rule").inner_text()

    # The second member's sheet shows a running total and its band as options are picked
    # (the commune's 10 points on 1.b are counted); the server still scores the sheet.
    page = new_page(live, members[1].username)
    page.goto(session_url)
    page.click("main summary:has-text('Chấm điểm (phiếu của bạn)')")
    sheet_form = "main form:has(input[name=action][value=sheet])"
    page.select_option(f"{sheet_form} select[name='c_2.a']", "15")
    page.select_option(f"{sheet_form} select[name='c_3.a']", "20")
    page.select_option(f"{sheet_form} select[name='c_1.a']", "0")
    assert page.locator(f"{sheet_form} .sheet-total").inner_text() == "45"
    assert page.locator(f"{sheet_form} .sheet-band").inner_text().startswith("2★")
    assert "1.a" in page.locator(f"{sheet_form} .sheet-mandatory").inner_text()
    page.select_option(f"{sheet_form} select[name='c_1.a']", "10")
    assert page.locator(f"{sheet_form} .sheet-total").inner_text() == "55"
    assert page.locator(f"{sheet_form} .sheet-band").inner_text() == "3★ (đủ mức chứng nhận)"
    assert page.locator(f"{sheet_form} .sheet-mandatory").inner_text() == ""
    submit(page, f"{sheet_form} button")

    # Two of three: the page names the member who has not submitted and asks to confirm.
    page = new_page(live, "secretary")
    page.goto(session_url)
    with page.expect_navigation():
        page.click("main form:has(input[name=action][value=close]) button")
    table = page.locator("#close-check").inner_text()
    assert "member2" in table and "member0" not in table and "2/3" in table
    session.refresh_from_db()
    assert session.state == CouncilSession.State.OPEN  # nothing closed before the confirmation
    submit(page, "#close-form button")
    assert page.url == session_url
    assert "Đã kết thúc chấm điểm và tính kết quả." in page.locator("main .messages").inner_text()
    session.refresh_from_db()
    assert session.state == CouncilSession.State.CLOSED

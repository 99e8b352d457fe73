"""The crawl's page checks can fail (issue 11, also seen): duplicate ids, a search box with a
placeholder but no label, Django's bare English refusal page."""

from tamnong.testing.crawl import markup_problems, refusal_problems


def test_a_duplicate_id_is_found():
    page = '<form><input id="id_year" name="year"><label for="id_year">Năm</label></form>'
    assert markup_problems(page) == []
    assert markup_problems(page + '<select id="id_year" aria-label="Năm"></select>') == [
        "id trùng «id_year»"
    ]


def test_a_search_box_with_only_a_placeholder_is_found():
    assert markup_problems('<input type="search" name="q" placeholder="Tìm">') == [
        "ô nhập không có nhãn <input name='q' id=None>"
    ]
    assert markup_problems('<label>Tìm <input type="search" name="q"></label>') == []
    assert markup_problems('<input type="search" name="q" aria-label="Tìm">') == []
    assert markup_problems('<input type="hidden" name="page" value="2">') == []


def test_a_bare_english_refusal_page_is_found():
    bare = "<h1>403 Forbidden</h1>"
    assert "trang lỗi không theo bố cục của hệ thống" in refusal_problems(bare)
    assert "trang lỗi tiếng Anh «Forbidden»" in refusal_problems(bare)
    ours = (
        '<html lang="vi"><body><header class="site"></header>'
        "<main><h1>Bạn không có quyền mở trang này</h1></main></body></html>"
    )
    assert refusal_problems(ours) == []

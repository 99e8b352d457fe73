"""Issue 11, defect 6: the audit log reads in Vietnamese (verbose names, local times)."""

from tamnong.audit import display


def test_fields_models_and_times_read_in_vietnamese(db):
    from tamnong.ntm.models import Assessment

    assert display.model_name("ntm.Assessment") == str(Assessment._meta.verbose_name)
    assert display.field_name(Assessment, "division_id") == "đơn vị hành chính"
    assert display.field_name(Assessment, "updated_at") == "cập nhật lúc"
    # 02:19 UTC is 09:19 in Hà Nội
    assert (
        display.value(Assessment, "updated_at", "2026-12-02T02:19:00+00:00") == "02/12/2026 09:19"
    )
    assert display.value(Assessment, "reference_date", "2025-12-31") == "31/12/2025"
    assert display.value(Assessment, "score", "93.50") == "93,50"
    assert display.value(Assessment, "year", 2025) == "2025"

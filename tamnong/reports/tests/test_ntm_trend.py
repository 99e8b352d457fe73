"""Issue 11, defect 8: the NTM trend never joins figures of different criteria sets (19
criteria, then 10): one series per set."""


def test_the_ntm_trend_has_one_series_per_criteria_set(demo):  # noqa: F811
    from tamnong.reports.dashboard import build_dashboard

    panels = build_dashboard(demo.users["dieuphoi"], demo.province, 2026)
    chart = next(p.chart for p in panels if p.chart and p.chart.key == "dash-ntm")
    assert len(chart.datasets) == 2, chart.datasets
    first, second = (
        {chart.labels[i] for i, v in enumerate(ds["data"]) if v is not None}
        for ds in chart.datasets
    )
    assert first and second and not first & second
    assert "2026" in second and "2025" in first

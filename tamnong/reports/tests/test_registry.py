from tamnong.reports import registry


def test_a_provider_of_an_app_that_is_not_installed_is_left_out(monkeypatch):
    monkeypatch.setattr(registry, "_PROVIDERS", dict(registry._PROVIDERS))

    @registry.provider("absent", order=1, kind="panel", requires="tamnong.nowhere")
    def absent(ctx):
        raise AssertionError("never called")

    @registry.provider("present", order=2, kind="panel", requires="tamnong.ocop")
    def present(ctx):
        return None

    keys = [p.key for p in registry.providers("panel")]
    assert "present" in keys and "absent" not in keys

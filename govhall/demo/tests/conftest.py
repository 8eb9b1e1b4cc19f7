import pytest
from django.test import override_settings


@pytest.fixture(scope="package", autouse=True)
def demo_media_root(tmp_path_factory):
    """The demo's cases upload scanned materials: keep them out of var/media. Package-scoped, so it
    is in force when a module loads the demo once for all its tests."""
    root = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=root):
        yield root

import pytest

from govhall.bundles.tests.bundle_steps import build_test_bundle
from govhall.cases.tests.conftest import enterprise, food, person  # noqa: F401


@pytest.fixture
def bundle(county, food):  # noqa: F811
    return build_test_bundle(county)

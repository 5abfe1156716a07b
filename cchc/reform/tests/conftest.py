import pytest


@pytest.fixture(autouse=True)
def _fresh_reform_caches():
    """Primary keys and event ids are reused between tests (rolled-back transactions): no
    cached tree or live document may outlive its test."""
    from cchc.reform import results

    results.clear_cache()
    yield
    results.clear_cache()

"""The whole API through the vendor's client: every operation of the Python SDK's CsmsClient
answered at least once, with a success, in this directory's tests. Runs last (pytest takes the
files in name order) and only when the whole directory ran."""

import pytest

from conftest import ANSWERED, sdk_operations


def test_every_operation_answered(request):
    if request.config.option.keyword or request.config.option.markexpr:
        pytest.skip("only some tests ran")
    operations = sdk_operations()
    assert len(operations) == 45, operations
    missing = sorted(set(operations) - ANSWERED)
    assert not missing, f"CsmsClient methods no test called with success: {missing}"

"""Starts one csmsmock (built from this repository) over TLS for the session and points the
vendor's Python SDK at it the way an application's environment would: the SDK's region and
IAM endpoint overrides, and requests' certificate bundle. Nothing else is configured."""

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests
from huaweicloudsdkcsms.v1 import CsmsClient

REPO = Path(__file__).resolve().parents[2]

DEMO_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DEMO_AK = "CSMSMOCKDEMOAK000001"
DEMO_SK = "csmsmockDemoSecretKey0000000000000000000"
# A second AK, used only with a wrong SK: the SDK caches the project it finds per AK and
# region for the life of the process, so this one's lookup is never skipped.
SECOND_AK = "PYSECONDAK0000000001"
SECOND_SK = "pySecondSecretKey0000000000000000000000"

FIXTURES = f"""
credentials:
  - name: python-second
    ak: {SECOND_AK}
    sk: {SECOND_SK}
    projects: [{DEMO_PROJECT_ID}]
"""


# Every operation of the SDK's CsmsClient that answered, by method name: test_zz_every_method.py
# holds the whole directory's tests to calling each one at least once with a success.
ANSWERED = set()


def sdk_operations():
    """The CsmsClient methods that are operations of the API (each has an _<name>_http_info)."""
    return sorted(name for name in vars(CsmsClient)
                  if not name.startswith("_") and hasattr(CsmsClient, f"_{name}_http_info"))


def _counting(name, method):
    @functools.wraps(method)
    def call(self, request):
        response = method(self, request)
        ANSWERED.add(name)
        return response
    return call


for _name in sdk_operations():
    setattr(CsmsClient, _name, _counting(_name, getattr(CsmsClient, _name)))


class Mock:
    """A running csmsmock: its URL, the CA file to trust, and its admin API."""

    def __init__(self, url, ca_file):
        self.url = url
        self.ca_file = ca_file

    def journal(self):
        res = requests.get(self.url + "/__admin/journal", verify=self.ca_file, timeout=10)
        res.raise_for_status()
        return res.json()["requests"]

    def violations(self):
        res = requests.get(self.url + "/__admin/violations", verify=self.ca_file, timeout=10)
        res.raise_for_status()
        return res.json()["violations"]


@pytest.fixture(scope="session")
def mock():
    work = Path(tempfile.mkdtemp(prefix="csmskit-python-"))
    binary = work / "csmsmock"
    subprocess.run(["go", "build", "-o", str(binary), "./cmd/csmsmock"], cwd=REPO, check=True)
    fixtures = work / "fixtures.yaml"
    fixtures.write_text(FIXTURES)
    ca_file = work / "csmsmock-ca.pem"
    proc = subprocess.Popen(
        [str(binary), "serve", "--addr", "127.0.0.1:0", "--tls", "--tls-cert-out", str(ca_file),
         "--fixtures", str(fixtures)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = None
    for line in proc.stdout:
        m = re.search(r"listening on (https://\S+)", line)
        if m:
            url = m.group(1)
        if line.strip() == "Stop with Ctrl-C.":
            break
    assert url, "csmsmock printed no https address"
    env = {
        "HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4": url,
        "HUAWEICLOUD_SDK_IAM_ENDPOINT": url,
        "REQUESTS_CA_BUNDLE": str(ca_file),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield Mock(url, str(ca_file))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


def pytest_sessionfinish(session, exitstatus):
    # pytest exits 5 when it collected nothing; say so plainly as well.
    if session.testscollected == 0:
        print("\nno Python interop test was collected")


def dump(value):
    return json.dumps(value, indent=1, default=str)

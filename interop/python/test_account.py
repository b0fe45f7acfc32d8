"""The operations on the account rather than a project, through the vendor's Python SDK as an
application calls them: a client built with a region and AK/SK credentials, whose project the
SDK looks up, reaches the paths below /v1/csms/ that name no project."""

import json
import uuid

import pytest
import requests
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    ChangeUsersPassword, CreateAgencyRequest, CreateAgencyRequestBody, ListUsersRequest,
    ShowAgencyRequest, ShowSecretFunctionTemplatesRequest, ShowUserDetailRequest,
    UpdateUserPasswordRequest)

from conftest import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK
from test_sdk import app_client

# The mock's configured user, whose AK/SK the demo credentials are.
DEMO_USER = "demo-user"
DEMO_PASSWORD = "demo-password"
DEMO_DOMAIN = "demo-domain"


def issue_token(mock, password):
    """POST /v3/auth/tokens for the demo user, as IAM's token request; returns the response."""
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": DEMO_USER, "password": password, "domain": {"name": DEMO_DOMAIN}}}},
        "scope": {"project": {"id": DEMO_PROJECT_ID}}}}
    return requests.post(mock.url + "/v3/auth/tokens", data=json.dumps(body),
                         headers={"Content-Type": "application/json"}, verify=mock.ca_file, timeout=10)


def test_function_templates(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    seen = set()
    for secret_type, sub_type, engine in [("RDS-FG", "SingleUser", "mysql"), ("RDS-FG", "MultiUser", "postgresql"),
                                          ("GaussDB-FG", "SingleUser", None)]:
        res = client.show_secret_function_templates(ShowSecretFunctionTemplatesRequest(
            secret_type=secret_type, secret_sub_type=sub_type, engine=engine))
        template = json.loads(res.function_templates)
        assert template["secret_type"] == secret_type
        assert template["secret_sub_type"] == sub_type
        seen.add(res.function_templates)
    assert len(seen) == 3, "each combination has a template of its own"

    with pytest.raises(exceptions.ClientRequestException) as refused:
        client.show_secret_function_templates(ShowSecretFunctionTemplatesRequest(
            secret_type="RDS-FG", secret_sub_type="SingleUser"))
    assert refused.value.status_code == 400
    assert refused.value.error_code == "CSMS.0002"

    journal = [e for e in mock.journal() if e.get("operation") == "ShowSecretFunctionTemplates"]
    assert journal and all(e["path"] == "/v1/csms/function-templates" for e in journal)


def test_agencies_are_created_once(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    before = client.show_agency(ShowAgencyRequest(secret_type="RDS-FG"))
    first = client.create_agency(CreateAgencyRequest(body=CreateAgencyRequestBody(secret_type="RDS-FG")))
    names = {a.agency_name: a.agency_id for a in first.agencies}
    assert len(names) == 2 and all(names.values())
    assert client.show_agency(ShowAgencyRequest(secret_type="RDS-FG")).agency_granted == "true"

    again = client.create_agency(CreateAgencyRequest(body=CreateAgencyRequestBody(secret_type="RDS-FG")))
    assert {a.agency_name: a.agency_id for a in again.agencies} == names
    assert all(a.error_msg for a in again.agencies), "an agency that exists is not created again"
    if before.agency_granted == "false":
        assert all(not a.error_msg for a in first.agencies)


def test_users(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    listed = client.list_users(ListUsersRequest(offset=0, limit=10))
    assert listed.total >= 1
    demo = [u for u in listed.users if u.user_name == DEMO_USER]
    assert demo, "the configured user is listed"
    assert demo[0].disabled == "false"

    found = client.list_users(ListUsersRequest(offset=0, limit=10, user_info="demo"))
    assert [u.user_name for u in found.users] == [DEMO_USER]
    assert client.list_users(ListUsersRequest(offset=1, limit=10)).users == []

    detail = client.show_user_detail(ShowUserDetailRequest(user_id=demo[0].user_id))
    assert detail.user_name == DEMO_USER
    assert detail.disabled is False

    with pytest.raises(exceptions.ClientRequestException) as unknown:
        client.show_user_detail(ShowUserDetailRequest(user_id="no-such-user"))
    assert unknown.value.status_code == 400


def test_password_change_is_what_iam_then_accepts(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    new_password = "py-" + uuid.uuid4().hex
    with pytest.raises(exceptions.ClientRequestException) as wrong:
        client.update_user_password(UpdateUserPasswordRequest(
            body=ChangeUsersPassword(password=new_password, old_password="not-" + DEMO_PASSWORD)))
    assert wrong.value.status_code == 400
    assert issue_token(mock, DEMO_PASSWORD).status_code == 201

    changed = client.update_user_password(UpdateUserPasswordRequest(
        body=ChangeUsersPassword(password=new_password, old_password=DEMO_PASSWORD)))
    try:
        assert changed.user_id
        assert issue_token(mock, new_password).status_code == 201
        assert issue_token(mock, DEMO_PASSWORD).status_code == 401
        detail = client.show_user_detail(ShowUserDetailRequest(user_id=changed.user_id))
        assert detail.pwd_change_at
    finally:
        # The session's other tests may obtain tokens with the configured password.
        client.update_user_password(UpdateUserPasswordRequest(
            body=ChangeUsersPassword(password=DEMO_PASSWORD, old_password=new_password)))
    assert issue_token(mock, DEMO_PASSWORD).status_code == 201

    for entry in mock.journal():
        assert new_password not in json.dumps(entry), "the journal holds a password"

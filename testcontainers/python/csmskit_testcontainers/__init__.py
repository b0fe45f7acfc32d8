"""Testcontainers module for csmsmock, csmskit's mock of the Huawei Cloud CSMS secrets API."""

from csmskit_testcontainers.container import (
    DEFAULT_IMAGE, DEMO_AK, DEMO_PROJECT_ID, DEMO_REGION, DEMO_SK, DEMO_TOKEN, CsmsMockContainer)

__all__ = ["CsmsMockContainer", "DEFAULT_IMAGE", "DEMO_AK", "DEMO_PROJECT_ID", "DEMO_REGION", "DEMO_SK",
           "DEMO_TOKEN"]

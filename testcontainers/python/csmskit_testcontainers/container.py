"""CsmsMockContainer: csmsmock, csmskit's mock of the Huawei Cloud CSMS secrets API, in a container
started with testcontainers.

The container's port is published on 127.0.0.1 only, and everything here connects to 127.0.0.1,
whatever host testcontainers would guess (where it thinks it runs inside a container it takes a
gateway address). Making a CsmsMockContainer points testcontainers at 127.0.0.1 (host override,
``docker_host`` connection mode) and, unless TESTCONTAINERS_RYUK_DISABLED is set, turns Ryuk
off: stop each container yourself, or use it in a ``with`` block.
"""

import os
import secrets
import shutil
import ssl
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Optional, Union

import docker.errors
from testcontainers.core.config import ConnectionMode
from testcontainers.core.config import testcontainers_config as tc_config
from testcontainers.core.container import DockerContainer
from testcontainers.core.waiting_utils import WaitStrategy, WaitStrategyTarget

DEFAULT_IMAGE = "csmskit/csmsmock:dev"

# The mock's demo identity (csmsmock serve's defaults), served unless with_credentials or
# with_region says otherwise. It is public: use it for demo values only.
DEMO_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DEMO_TOKEN = "MIIcsmsmock-demo-token-0123456789abcdef"
DEMO_AK = "CSMSMOCKDEMOAK000001"
DEMO_SK = "csmsmockDemoSecretKey0000000000000000000"
DEMO_REGION = "cn-north-4"

PORT = 8080
LOOPBACK = "127.0.0.1"
READY_PATH = "/__admin/health/ready"
FIXTURES_PATH = "/fixtures.yaml"
CA_PATH = "/tmp/csmsmock-ca.pem"
# Guards the mock's /__admin/ API: serve refuses to listen beyond loopback without it.
ADMIN_TOKEN_ENV = "CSMSMOCK_ADMIN_TOKEN"


def _loopback_only() -> None:
    """Keeps testcontainers on this machine, whenever it was imported: the configuration object
    is changed, as the environment is read only once."""
    tc_config.tc_host_override = LOOPBACK
    tc_config.connection_mode_override = ConnectionMode.docker_host
    if "TESTCONTAINERS_RYUK_DISABLED" not in os.environ:
        tc_config.ryuk_disabled = True


class CsmsMockContainer(DockerContainer):
    """csmsmock in a container, serving one project to an X-Auth-Token and an AK/SK pair.

    >>> with CsmsMockContainer().with_tls() as mock:  # doctest: +SKIP
    ...     mock.endpoint, mock.project_id, mock.ak, mock.sk, mock.ca_cert_path
    """

    def __init__(self, image: str = DEFAULT_IMAGE, **kwargs) -> None:
        _loopback_only()
        super().__init__(image, **kwargs)
        self._project_id, self._token = DEMO_PROJECT_ID, DEMO_TOKEN
        self._ak, self._sk = DEMO_AK, DEMO_SK
        self._region = DEMO_REGION
        self._fixtures: Optional[Path] = None
        self._tls = False
        self._admin_token = secrets.token_hex(24)
        self._host_dir: Optional[str] = None
        # Published on loopback only: the mock serves demo credentials.
        self.ports[f"{PORT}/tcp"] = (LOOPBACK, None)
        self.with_env(ADMIN_TOKEN_ENV, self._admin_token)
        self.waiting_for(_Readiness(self))

    def with_credentials(self, project_id: Optional[str] = None, token: Optional[str] = None,
                         ak: Optional[str] = None, sk: Optional[str] = None) -> "CsmsMockContainer":
        """Serves another identity than the demo one; what is not given keeps its demo value."""
        self._project_id = project_id or self._project_id
        self._token = token or self._token
        self._ak = ak or self._ak
        self._sk = sk or self._sk
        return self

    def with_region(self, region: str) -> "CsmsMockContainer":
        """Names the project after another region than cn-north-4."""
        self._region = region
        return self

    def with_fixtures(self, path: Union[str, os.PathLike]) -> "CsmsMockContainer":
        """Copies a fixtures file (projects, credentials, users and secrets; see the repository's
        examples/fixtures.yaml) into the container, loaded at start instead of the demo secret."""
        self._fixtures = Path(path)
        if not self._fixtures.is_file():
            raise FileNotFoundError(f"fixtures file {path} not found")
        return self

    def with_tls(self) -> "CsmsMockContainer":
        """Serves HTTPS with a certificate signed by an authority the mock makes at start: trust
        ca_cert_path."""
        self._tls = True
        return self

    def _configure(self) -> None:
        # Every setting is a flag, so that any version of the image serves the same.
        command = ["serve", "--addr", f"0.0.0.0:{PORT}",
                   "--project-id", self._project_id, "--token", self._token,
                   "--ak", self._ak, "--sk", self._sk, "--region", self._region]
        if self._fixtures:
            self.with_copy_into_container(self._fixtures, FIXTURES_PATH)
            command += ["--fixtures", FIXTURES_PATH]
        if self._tls:
            command += ["--tls", "--tls-cert-out", CA_PATH]
            # The image's health check (csmsmock health) reads serve's settings from the
            # environment: it asks over HTTPS, trusting the same authority.
            self.with_env("CSMSMOCK_TLS", "true")
            self.with_env("CSMSMOCK_TLS_CERT_OUT", CA_PATH)
        self.with_command(command)

    def start(self) -> "CsmsMockContainer":
        self._host_dir = tempfile.mkdtemp(prefix="csmsmock-")
        try:
            super().start()
        except BaseException:
            self._remove_host_dir()
            raise
        return self

    def stop(self, force: bool = True, delete_volume: bool = True) -> None:
        try:
            super().stop(force=force, delete_volume=delete_volume)
        finally:
            self._remove_host_dir()

    def _remove_host_dir(self) -> None:
        if self._host_dir:
            shutil.rmtree(self._host_dir, ignore_errors=True)
            self._host_dir = None

    @property
    def endpoint(self) -> str:
        """The mock's base URL, http://127.0.0.1:<port> (https with TLS), for the CSMS API, its IAM
        and its admin API alike."""
        scheme = "https" if self._tls else "http"
        port = self.get_docker_client().port(self.get_container_id(), PORT)
        return f"{scheme}://{LOOPBACK}:{port}"

    @property
    def project_id(self) -> str:
        """The project the credentials are allowed on."""
        return self._project_id

    @property
    def token(self) -> str:
        """An X-Auth-Token allowed every action on the project."""
        return self._token

    @property
    def ak(self) -> str:
        """The access key allowed every action on the project."""
        return self._ak

    @property
    def sk(self) -> str:
        """The secret key that goes with ak."""
        return self._sk

    @property
    def region(self) -> str:
        """The region the project is named after, which the SDKs' project lookup asks for."""
        return self._region

    @property
    def admin_token(self) -> str:
        """The bearer token of the mock's /__admin/ API (journal, faults, fixtures)."""
        return self._admin_token

    @property
    def ca_cert_path(self) -> str:
        """A file on the host with the PEM of the certificate authority the mock made at start (it
        signed the mock's certificate for 127.0.0.1, ::1 and localhost). It is removed on stop."""
        if not self._tls:
            raise RuntimeError("the mock serves plain HTTP: start it with_tls()")
        if self._host_dir is None:
            raise RuntimeError("the mock is not started")
        path = Path(self._host_dir, "csmsmock-ca.pem")
        if not path.is_file():
            self.copy_from_container(CA_PATH, path)
        return str(path)

    def sdk_environment(self) -> dict:
        """The environment that points the vendor's SDKs, built with a region and credentials
        without a project ID, at this mock: the region's endpoint, IAM's endpoint and, with TLS,
        the certificate authority for requests (Python)."""
        env = {
            f"HUAWEICLOUD_SDK_REGION_CSMS_{self._region.replace('-', '_').upper()}": self.endpoint,
            "HUAWEICLOUD_SDK_IAM_ENDPOINT": self.endpoint,
        }
        if self._tls:
            env["REQUESTS_CA_BUNDLE"] = self.ca_cert_path
        return env


class _Readiness(WaitStrategy):
    """Waits until GET /__admin/health/ready, with the admin token, answers 200 on 127.0.0.1,
    over TLS trusting only the mock's own certificate authority; fails at once when the mock
    exits first."""

    def __init__(self, mock: CsmsMockContainer) -> None:
        super().__init__()
        self._mock = mock
        self.with_startup_timeout(60).with_poll_interval(0.1)

    def __str__(self) -> str:
        return f"csmsmock ready at GET {READY_PATH}"

    def wait_until_ready(self, container: WaitStrategyTarget) -> None:
        deadline = time.monotonic() + self._startup_timeout
        opener = None
        while True:
            container.reload()
            status = container.status
            if status not in ("created", "running"):
                stdout, stderr = container.get_logs()
                raise RuntimeError(f"csmsmock stopped ({status}) before it was ready:\n"
                                   f"{(stdout + stderr).decode(errors='replace')}")
            if opener is None:
                opener = self._opener()
            if opener is not None and self._ready(opener):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"csmsmock not ready within {self._startup_timeout} s")
            time.sleep(self._poll_interval)

    def _opener(self) -> Optional[urllib.request.OpenerDirector]:
        """A client for the mock that goes through no proxy; with TLS, None until the mock has
        written its certificate authority."""
        handlers: list = [urllib.request.ProxyHandler({})]
        if self._mock._tls:
            try:
                ca = self._mock.ca_cert_path
            except docker.errors.NotFound:
                return None
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca)))
        return urllib.request.build_opener(*handlers)

    def _ready(self, opener: urllib.request.OpenerDirector) -> bool:
        try:
            # The port mapping is gone when the mock has just exited: the next status check says so.
            request = urllib.request.Request(self._mock.endpoint + READY_PATH,
                                             headers={"Authorization": f"Bearer {self._mock.admin_token}"})
            with opener.open(request, timeout=1) as response:
                return response.status == 200
        except OSError:  # URLError and ConnectionError among them
            return False

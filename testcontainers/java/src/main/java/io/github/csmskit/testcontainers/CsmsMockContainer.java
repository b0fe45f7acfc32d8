package io.github.csmskit.testcontainers;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.HttpWaitStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * csmsmock, the offline mock of the Huawei Cloud CSMS secrets API (and the IAM calls the SDKs
 * make), in a container: an endpoint to point an SDK at, the identity it accepts, and its
 * admin API guarded by a token made for this container.
 *
 * <p>The container is always reached on 127.0.0.1, whatever address Testcontainers guesses
 * for the Docker host: the Docker daemon publishes the container's port there.
 */
public class CsmsMockContainer extends GenericContainer<CsmsMockContainer> {
    /** The image's name, without a tag: any tag of it is accepted. */
    public static final DockerImageName IMAGE_NAME = DockerImageName.parse("csmskit/csmsmock");

    /** The image used when none is given: csmsmock as built from this repository. */
    public static final DockerImageName DEFAULT_IMAGE = IMAGE_NAME.withTag("dev");

    /** The port csmsmock listens on inside the container. */
    public static final int PORT = 8080;

    // csmsmock's public demo identity, served unless withCredentials or withRegion says otherwise.

    /** The demo project ID. */
    public static final String DEMO_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    /** The demo X-Auth-Token. */
    public static final String DEMO_TOKEN = "MIIcsmsmock-demo-token-0123456789abcdef";
    /** The demo access key. */
    public static final String DEMO_AK = "CSMSMOCKDEMOAK000001";
    /** The demo secret key. */
    public static final String DEMO_SK = "csmsmockDemoSecretKey0000000000000000000";
    /** The demo region, which names the demo project. */
    public static final String DEMO_REGION = "cn-north-4";

    private static final String HOST = "127.0.0.1";
    private static final String FIXTURES_PATH = "/fixtures.yaml";
    private static final String CA_PATH = "/tmp/csmsmock-ca.pem";
    private static final String ADMIN_TOKEN_ENV = "CSMSMOCK_ADMIN_TOKEN";
    private static final String READY_PATH = "/__admin/health/ready";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** Readable by the image's non-root user, whatever the file's mode on the host. */
    private static final int FIXTURES_MODE = 0644;

    private final String adminToken = randomToken();
    private String projectId = DEMO_PROJECT_ID;
    private String token = DEMO_TOKEN;
    private String ak = DEMO_AK;
    private String sk = DEMO_SK;
    private String region = DEMO_REGION;
    private boolean fixtures;
    private boolean tls;
    private String caCertificatePem;

    /** A container of {@link #DEFAULT_IMAGE}. */
    public CsmsMockContainer() {
        this(DEFAULT_IMAGE);
    }

    /**
     * A container of the given csmsmock image: any tag of {@link #IMAGE_NAME}, or an image
     * under another name declared with {@code asCompatibleSubstituteFor("csmskit/csmsmock")}.
     */
    public CsmsMockContainer(DockerImageName image) {
        super(image);
        image.assertCompatibleWith(IMAGE_NAME);
        withExposedPorts(PORT);
        withEnv(ADMIN_TOKEN_ENV, adminToken);
    }

    /** Loads projects, credentials, users and secrets from a csmsmock fixtures YAML file. */
    public CsmsMockContainer withFixtures(Path file) {
        withCopyFileToContainer(MountableFile.forHostPath(file, FIXTURES_MODE), FIXTURES_PATH);
        fixtures = true;
        return self();
    }

    /**
     * Serves HTTPS with a certificate for 127.0.0.1 signed by a certificate authority made at
     * start; {@link #getCaCertificatePem()} returns the authority to trust.
     */
    public CsmsMockContainer withTls() {
        tls = true;
        return self();
    }

    /** The default identity: a token and an AK/SK pair allowed everything on the project. */
    public CsmsMockContainer withCredentials(String projectId, String token, String ak, String sk) {
        this.projectId = Objects.requireNonNull(projectId, "projectId");
        this.token = Objects.requireNonNull(token, "token");
        this.ak = Objects.requireNonNull(ak, "ak");
        this.sk = Objects.requireNonNull(sk, "sk");
        return self();
    }

    /** The region the default project is named after, which IAM's project lookup finds it by. */
    public CsmsMockContainer withRegion(String region) {
        this.region = Objects.requireNonNull(region, "region");
        return self();
    }

    @Override
    protected void configure() {
        // Explicit flags rather than the image's environment, so that every image version
        // serves the same way.
        List<String> command = new ArrayList<>(List.of("serve",
                "--addr", "0.0.0.0:" + PORT,
                "--project-id", projectId,
                "--token", token,
                "--ak", ak,
                "--sk", sk,
                "--region", region));
        if (fixtures) {
            command.addAll(List.of("--fixtures", FIXTURES_PATH));
        }
        if (tls) {
            command.addAll(List.of("--tls", "--tls-cert-out", CA_PATH));
            // For the image's own health check, which reads the scheme from the environment.
            withEnv("CSMSMOCK_TLS", "true");
            withEnv("CSMSMOCK_TLS_CERT_OUT", CA_PATH);
        }
        withCommand(command.toArray(String[]::new));

        HttpWaitStrategy ready = Wait.forHttp(READY_PATH)
                .forPort(PORT)
                .withHeader("Authorization", "Bearer " + adminToken)
                .forStatusCode(200);
        if (tls) {
            // The authority is only known once the container runs; this wait asks nothing secret.
            ready.usingTls().allowInsecure();
        }
        waitingFor(ready.withStartupTimeout(STARTUP_TIMEOUT));
    }

    @Override
    protected void containerIsStarted(InspectContainerResponse containerInfo) {
        if (tls) {
            // csmsmock writes the file before it listens, so it is there once the mock is ready.
            caCertificatePem = copyFileFromContainer(CA_PATH,
                    in -> new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    /** Always 127.0.0.1, where the Docker daemon publishes the container's port. */
    @Override
    public String getHost() {
        return HOST;
    }

    /** The base URL to give an SDK as the CSMS (and IAM) endpoint, such as http://127.0.0.1:32768. */
    public String getEndpoint() {
        return (tls ? "https" : "http") + "://" + HOST + ":" + getMappedPort(PORT);
    }

    /** The default identity's project ID. */
    public String getProjectId() {
        return projectId;
    }

    /** The default identity's X-Auth-Token. */
    public String getToken() {
        return token;
    }

    /** The default identity's access key. */
    public String getAk() {
        return ak;
    }

    /** The default identity's secret key. */
    public String getSk() {
        return sk;
    }

    /** The region the default project is named after. */
    public String getRegion() {
        return region;
    }

    /** The bearer token of the admin API (/__admin/), made for this container. */
    public String getAdminToken() {
        return adminToken;
    }

    /** The PEM of the certificate authority the mock's HTTPS certificate chains to. */
    public String getCaCertificatePem() {
        if (!tls) {
            throw new IllegalStateException("the mock serves plain HTTP: call withTls() before start()");
        }
        if (caCertificatePem == null) {
            throw new IllegalStateException("the certificate authority is known once the container has started");
        }
        return caCertificatePem;
    }

    private static String randomToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

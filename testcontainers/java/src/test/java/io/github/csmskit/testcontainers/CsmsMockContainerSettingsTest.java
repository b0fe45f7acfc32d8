package io.github.csmskit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

/** What a container is set up to run, checked without starting it (no Docker needed). */
class CsmsMockContainerSettingsTest {
    @Test
    void anyTagOfTheImageOrADeclaredSubstitute() {
        assertEquals("csmskit/csmsmock:dev", CsmsMockContainer.DEFAULT_IMAGE.asCanonicalNameString());
        new CsmsMockContainer(DockerImageName.parse("csmskit/csmsmock:v1.2.3"));
        new CsmsMockContainer(DockerImageName.parse("registry.example/mirror/csmsmock:dev")
                .asCompatibleSubstituteFor("csmskit/csmsmock"));
        assertThrows(IllegalStateException.class,
                () -> new CsmsMockContainer(DockerImageName.parse("example/other:dev")));
    }

    @Test
    void demoIdentityByDefault() {
        CsmsMockContainer csms = new CsmsMockContainer();
        csms.configure();
        assertEquals(List.of("serve", "--addr", "0.0.0.0:8080",
                "--project-id", CsmsMockContainer.DEMO_PROJECT_ID, "--token", CsmsMockContainer.DEMO_TOKEN,
                "--ak", CsmsMockContainer.DEMO_AK, "--sk", CsmsMockContainer.DEMO_SK,
                "--region", CsmsMockContainer.DEMO_REGION), List.of(csms.getCommandParts()));
        assertEquals(List.of(8080), csms.getExposedPorts());
        assertEquals(csms.getAdminToken(), csms.getEnvMap().get("CSMSMOCK_ADMIN_TOKEN"));
        assertTrue(csms.getAdminToken().matches("[0-9a-f]{64}"), csms.getAdminToken());
        assertEquals("127.0.0.1", csms.getHost());
        assertThrows(IllegalStateException.class, csms::getCaCertificatePem, "plain HTTP");
    }

    @Test
    void everySetting() {
        CsmsMockContainer csms = new CsmsMockContainer()
                .withCredentials("p1", "t1", "a1", "s1")
                .withRegion("eu-west-101")
                .withFixtures(Path.of("fixtures.yaml"))
                .withTls();
        csms.configure();
        assertEquals(List.of("serve", "--addr", "0.0.0.0:8080", "--project-id", "p1", "--token", "t1",
                "--ak", "a1", "--sk", "s1", "--region", "eu-west-101", "--fixtures", "/fixtures.yaml",
                "--tls", "--tls-cert-out", "/tmp/csmsmock-ca.pem"), List.of(csms.getCommandParts()));
        assertEquals(List.of("p1", "t1", "a1", "s1", "eu-west-101"),
                List.of(csms.getProjectId(), csms.getToken(), csms.getAk(), csms.getSk(), csms.getRegion()));
        assertEquals("true", csms.getEnvMap().get("CSMSMOCK_TLS"));
        assertThrows(IllegalStateException.class, csms::getCaCertificatePem, "known once started");
    }

    @Test
    void eachContainerHasAnAdminTokenOfItsOwn() {
        assertNotEquals(new CsmsMockContainer().getAdminToken(), new CsmsMockContainer().getAdminToken());
    }
}

package io.github.csmskit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.exception.ClientRequestException;
import com.huaweicloud.sdk.core.region.Region;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/** A mock loaded from a fixtures file, called with a credential the file defines. */
@Testcontainers(disabledWithoutDocker = true)
class CsmsMockContainerFixturesTest {
    @Container
    static final CsmsMockContainer CSMS = new CsmsMockContainer().withFixtures(fixtures());

    @Test
    void fixturesAreServed() {
        CsmsClient client = CsmsClient.newBuilder()
                .withCredential(new BasicCredentials()
                        .withAk("APPDEPLOYERAK0000001")
                        .withSk("appDeployerSecretKey00000000000000000000")
                        .withProjectId(CSMS.getProjectId()))
                .withRegion(new Region(CSMS.getRegion(), CSMS.getEndpoint()))
                .build();

        assertEquals("fixture-s3cr3t", client.showSecretVersion(new ShowSecretVersionRequest()
                .withSecretName("app-db-password").withVersionId("latest")).getVersion().getSecretString());
        ClientRequestException demo = assertThrows(ClientRequestException.class,
                () -> client.showSecret(new ShowSecretRequest().withSecretName("demo-secret")));
        assertEquals(404, demo.getHttpStatusCode(), "fixtures take the demo secret's place");

        CsmsMockContainerTest.roundTrip(client, "app-api-key", "fixture-api-key");
    }

    private static Path fixtures() {
        try {
            return Path.of(CsmsMockContainerFixturesTest.class.getResource("/fixtures.yaml").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

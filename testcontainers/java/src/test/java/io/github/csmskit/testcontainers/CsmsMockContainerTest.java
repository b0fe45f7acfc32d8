package io.github.csmskit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.exception.ClientRequestException;
import com.huaweicloud.sdk.core.region.Region;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.DeleteSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.DownloadSecretBlobRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.UploadSecretBlobRequest;
import com.huaweicloud.sdk.csms.v1.model.UploadSecretBlobRequestBody;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

@Testcontainers(disabledWithoutDocker = true)
class CsmsMockContainerTest {
    @Container
    static final CsmsMockContainer CSMS = new CsmsMockContainer();

    @Test
    void secretRoundTrip() {
        CsmsClient client = CsmsClient.newBuilder()
                .withCredential(new BasicCredentials()
                        .withAk(CSMS.getAk())
                        .withSk(CSMS.getSk())
                        .withProjectId(CSMS.getProjectId()))
                .withRegion(new Region(CSMS.getRegion(), CSMS.getEndpoint()))
                .build();

        roundTrip(client, "db-password", "s3cr3t");
    }

    /** Creates a secret, shows it, backs it up, deletes it, restores it and reads it back. */
    static void roundTrip(CsmsClient client, String name, String value) {
        client.createSecret(new CreateSecretRequest()
                .withBody(new CreateSecretRequestBody().withName(name).withSecretString(value)));
        assertEquals("ENABLED", client.showSecret(new ShowSecretRequest().withSecretName(name))
                .getSecret().getState());

        String blob = client.downloadSecretBlob(new DownloadSecretBlobRequest().withSecretName(name))
                .getSecretBlob();
        client.deleteSecret(new DeleteSecretRequest().withSecretName(name));
        ClientRequestException gone = assertThrows(ClientRequestException.class,
                () -> client.showSecret(new ShowSecretRequest().withSecretName(name)));
        assertEquals(404, gone.getHttpStatusCode());

        client.uploadSecretBlob(new UploadSecretBlobRequest()
                .withBody(new UploadSecretBlobRequestBody().withSecretBlob(blob)));
        assertEquals(value, client.showSecretVersion(new ShowSecretVersionRequest()
                .withSecretName(name).withVersionId("latest")).getVersion().getSecretString());
    }
}

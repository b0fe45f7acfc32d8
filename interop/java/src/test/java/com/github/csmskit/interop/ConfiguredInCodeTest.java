package com.github.csmskit.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.exception.ClientRequestException;
import com.huaweicloud.sdk.core.http.HttpConfig;
import com.huaweicloud.sdk.core.region.Region;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.DownloadSecretBlobRequest;
import com.huaweicloud.sdk.csms.v1.model.ListSecretsRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK in this JVM, configured in code instead of by the environment: a Region object naming
 * the mock, the IAM endpoint on the credentials, and the mock's certificate authority through
 * the SDK's HttpConfig (SSL socket factory and trust manager). Still no project ID: the SDK
 * looks it up. The exceptions are the SDK's own types, read through their getters.
 */
@Timeout(120)
class ConfiguredInCodeTest {
    private static CsmsClient client(Mock mock, String ak, String sk) {
        BasicCredentials credentials = new BasicCredentials().withAk(ak).withSk(sk).withIamEndpoint(mock.url);
        HttpConfig config = HttpConfig.getDefaultHttpConfig()
                .withSSLSocketFactory(mock.sslContext().getSocketFactory())
                .withX509TrustManager(mock.trustManager());
        return CsmsClient.newBuilder()
                .withCredential(credentials)
                .withHttpConfig(config)
                .withRegion(new Region("cn-north-4", mock.url))
                .build();
    }

    @Test
    void unknownSecret() throws Exception {
        try (Mock mock = Mock.start()) {
            CsmsClient client = client(mock, Mock.DEMO_AK, Mock.DEMO_SK);
            ClientRequestException e = assertThrows(ClientRequestException.class, () ->
                    client.downloadSecretBlob(new DownloadSecretBlobRequest().withSecretName("java-no-such-secret")));
            assertEquals(404, e.getHttpStatusCode());
            assertEquals("CSMS.0106", e.getErrorCode());
            assertNotNull(e.getErrorMsg());
            JsonNode journaled = ApplicationTest.journaled(mock, e.getRequestId());
            assertEquals("DownloadSecretBlob", journaled.path("operation").asText(), journaled.toString());
            assertEquals(List.of(), mock.violations());
        }
    }

    /**
     * The project is known (the SDK caches the project it found per AK and region for the life
     * of the process, here after a lookup with the right SK); a client with the same AK and a
     * wrong SK skips the lookup, and its call is refused.
     */
    @Test
    void wrongSecretKeyOnACall() throws Exception {
        try (Mock mock = Mock.start()) {
            client(mock, Mock.DEMO_AK, Mock.DEMO_SK);
            CsmsClient wrong = client(mock, Mock.DEMO_AK, "wrong-secret-key");
            ClientRequestException e = assertThrows(ClientRequestException.class, () ->
                    wrong.listSecrets(new ListSecretsRequest()));
            assertEquals(401, e.getHttpStatusCode());
            assertEquals("APIGW.0301", e.getErrorCode());
            JsonNode journaled = ApplicationTest.journaled(mock, e.getRequestId());
            assertEquals("ListSecrets", journaled.path("operation").asText(), journaled.toString());
            assertEquals(401, journaled.path("status").asInt(), journaled.toString());
            assertFalse(journaled.path("path").asText().isEmpty());
        }
    }
}

package io.github.csmskit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.http.HttpConfig;
import com.huaweicloud.sdk.core.region.Region;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The SDK over HTTPS, trusting only the authority the container made, with an identity and
 * region of the test's own and no project ID: the SDK finds the project through IAM's lookup
 * by region, as it does against the real service.
 */
@Testcontainers(disabledWithoutDocker = true)
class CsmsMockContainerTlsTest {
    private static final String PROJECT_ID = "1f2e3d4c5b6a79880796a5b4c3d2e1f0";
    private static final String REGION = "ap-southeast-1";

    @Container
    static final CsmsMockContainer CSMS = new CsmsMockContainer()
            .withTls()
            .withCredentials(PROJECT_ID, "MIItls-test-token-0123456789abcdef0123",
                    "TLSTESTAK00000000001", "tlsTestSecretKey0000000000000000000000000")
            .withRegion(REGION);

    @Test
    void secretRoundTripOverTls() throws Exception {
        assertTrue(CSMS.getEndpoint().startsWith("https://127.0.0.1:"), CSMS.getEndpoint());
        X509TrustManager trust = trustManager(CSMS.getCaCertificatePem());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new X509TrustManager[] {trust}, null);

        CsmsClient client = CsmsClient.newBuilder()
                .withCredential(new BasicCredentials()
                        .withAk(CSMS.getAk())
                        .withSk(CSMS.getSk())
                        .withIamEndpoint(CSMS.getEndpoint()))
                .withHttpConfig(HttpConfig.getDefaultHttpConfig()
                        .withSSLSocketFactory(ssl.getSocketFactory())
                        .withX509TrustManager(trust))
                .withRegion(new Region(CSMS.getRegion(), CSMS.getEndpoint()))
                .build();

        CsmsMockContainerTest.roundTrip(client, "tls-db-password", "tls-s3cr3t");

        HttpClient admin = HttpClient.newBuilder().sslContext(ssl).build();
        List<String> paths = new ArrayList<>();
        for (JsonNode request : adminGet(admin, "/__admin/journal").get("requests")) {
            String path = request.get("path").asText();
            if (!path.startsWith("/__admin/")) { // the wait for readiness
                paths.add(path);
            }
        }
        assertEquals("/v3/projects", paths.get(0), "the SDK looks the project up first: " + paths);
        assertEquals("/v1/" + PROJECT_ID + "/secrets", paths.get(1), "and creates under it: " + paths);
        assertEquals(0, adminGet(admin, "/__admin/violations").get("violations").size(),
                "the SDK's requests and the mock's answers keep to the contract");
    }

    /** Trust in exactly the certificates of the given PEM. */
    private static X509TrustManager trustManager(String pem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (var cert : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            store.setCertificateEntry("csmsmock-" + i++, cert);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    private static JsonNode adminGet(HttpClient admin, String path) throws Exception {
        HttpResponse<String> res = admin.send(HttpRequest.newBuilder(URI.create(CSMS.getEndpoint() + path))
                        .header("Authorization", "Bearer " + CSMS.getAdminToken())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), path + ": " + res.body());
        return new ObjectMapper().readTree(res.body());
    }
}

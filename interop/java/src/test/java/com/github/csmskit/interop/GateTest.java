package com.github.csmskit.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The unmodified application ({@link CsmsApp}) through {@code csmsmock proxy}, the CI gate, in
 * front of a mock of the test's own. The Java SDK signs {@code host}, so the proxy, which must
 * send the upstream's Host, verifies each signature with the access key it is given (here from
 * CSMSMOCK_AK and CSMSMOCK_SK, as CI gives it) and signs the request again; without the key it
 * refuses such a request, naming the flags. CSMS calls go to the proxy (the SDK's region
 * override), the project lookup straight to the mock's IAM, as it goes to the real IAM when the
 * proxy stands in front of a real endpoint.
 */
@Timeout(180)
class GateTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[^\\s,]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A {@code csmsmock proxy} in front of the mock, on a free loopback port. */
    private static final class Gate implements AutoCloseable {
        final String url;
        private final Process process;
        private final HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        Gate(Mock upstream, Map<String, String> env) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(Mock.binary().toString(), "proxy", "--addr", "127.0.0.1:0",
                    "--upstream", upstream.url, "--insecure-skip-verify")
                    .redirectError(upstream.dir.resolve("proxy.log").toFile());
            pb.environment().remove("CSMSMOCK_AK");
            pb.environment().remove("CSMSMOCK_SK");
            pb.environment().putAll(env);
            process = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String found = null;
            for (String line; (line = out.readLine()) != null; ) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    found = m.group(1);
                }
                if (line.strip().equals("Stop with Ctrl-C.")) {
                    break;
                }
            }
            url = found;
            if (url == null) {
                process.destroy();
                throw new IllegalStateException("csmsmock proxy printed no address");
            }
        }

        List<JsonNode> admin(String what, String field) throws Exception {
            HttpResponse<String> res = admin.send(HttpRequest.newBuilder(URI.create(url + "/__admin/" + what))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(res.body()).get(field).forEach(out::add);
            return out;
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The application's environment with its CSMS calls sent to the gate. */
    private static Map<String, String> throughGate(Mock mock, Gate gate) throws Exception {
        Map<String, String> env = Application.env(mock, Mock.DEMO_AK, Mock.DEMO_SK);
        env.put("HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4", gate.url);
        return env;
    }

    @Test
    void lifecycleThroughTheGate() throws Exception {
        try (Mock mock = Mock.start();
                Gate gate = new Gate(mock, Map.of("CSMSMOCK_AK", Mock.DEMO_AK, "CSMSMOCK_SK", Mock.DEMO_SK))) {
            Application.Run run = Application.run(throughGate(mock, gate), Application.trustFlags(mock), "lifecycle");
            assertEquals(0, run.exitCode(), run.output());
            assertEquals("java-db-password ENABLED", run.line("create"), run.output());
            assertEquals("v1=SYSPREVIOUS v2=SYSCURRENT", run.line("versions"), run.output());
            assertTrue(String.valueOf(run.line("backup")).startsWith(ApplicationTest.BACKUP_PREFIX), run.output());
            assertTrue(String.valueOf(run.line("read deleted")).contains("status=404 code=CSMS.0106"), run.output());
            assertEquals("java-db-password ENABLED", run.line("restore"), run.output());
            assertEquals("first-s3cr3t", run.line("read restored v1"), run.output());
            assertEquals("second-s3cr3t", run.line("read restored v2"), run.output());

            // The CSMS calls went through the gate, signed with host as the SDK signs them; the
            // lookup went straight to the mock.
            List<JsonNode> gated = gate.admin("journal", "requests").stream()
                    .filter(e -> e.path("path").asText().startsWith("/v1/")).collect(Collectors.toList());
            Set<String> operations = gated.stream().map(e -> e.path("operation").asText()).collect(Collectors.toSet());
            assertTrue(operations.containsAll(Set.of("CreateSecret", "CreateSecretVersion", "ListSecretVersions",
                    "ShowSecretVersion", "DownloadSecretBlob", "DeleteSecret", "ShowSecret", "UploadSecretBlob")),
                    operations.toString());
            String authorization = gated.get(0).path("headers").path("Authorization").asText();
            Matcher signed = Pattern.compile("SignedHeaders=([^,]+)").matcher(authorization);
            assertTrue(signed.find() && List.of(signed.group(1).split(";")).contains("host"), authorization);
            assertFalse(gated.toString().contains(Mock.DEMO_AK), "the gate journaled the access key it holds");
            assertEquals("KeystoneListProjects", mock.journal().get(0).path("operation").asText());
            assertEquals(List.of(), gate.admin("violations", "violations"));
            assertEquals(List.of(), mock.violations());
        }
    }

    @Test
    void withoutTheAccessKeyTheGateSaysSo() throws Exception {
        try (Mock mock = Mock.start(); Gate gate = new Gate(mock, Map.of())) {
            Application.Run run = Application.run(throughGate(mock, gate), Application.trustFlags(mock), "lifecycle");
            assertEquals(1, run.exitCode(), run.output());
            String failed = run.line("FAILED");
            assertNotNull(failed, run.output());
            assertTrue(failed.contains("status=401 code=APIGW.0301") && failed.contains("--ak/--sk"), run.output());
            assertTrue(mock.journal().stream().noneMatch(e -> e.path("operation").asText().equals("CreateSecret")),
                    "a signature the proxy cannot forward intact reached the mock");
        }
    }
}

package com.github.csmskit.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The vendor's Java SDK in an unmodified application ({@link CsmsApp}: a region, AK/SK without
 * a project ID, no endpoint in code) run in a JVM of its own against a csmsmock of the test's
 * own over TLS. The SDK finds both endpoints in its environment variables, looks the project
 * up at the mock's IAM and verifies the mock's certificate through the JVM's trust store.
 */
@Timeout(180)
class ApplicationTest {
    static final String BACKUP_PREFIX = ")CloudSecretManagementBackupV1.com";
    private static final Pattern ERROR = Pattern.compile(
            "(\\w+) status=(\\d+) code=(\\S+) request_id=(\\S*) message=(.*)");

    @Test
    void lifecycle() throws Exception {
        try (Mock mock = Mock.start()) {
            Application.Run run = Application.run(Application.env(mock, Mock.DEMO_AK, Mock.DEMO_SK),
                    Application.trustFlags(mock), "lifecycle");
            assertEquals(0, run.exitCode(), run.output());

            assertEquals("java-db-password ENABLED", run.line("create"), run.output());
            assertEquals("v1=SYSPREVIOUS v2=SYSCURRENT", run.line("versions"), run.output());
            assertEquals("v2 second-s3cr3t", run.line("read latest"), run.output());

            String blob = run.line("backup");
            assertNotNull(blob, run.output());
            assertTrue(blob.startsWith(BACKUP_PREFIX), "backup lacks the vendor's prefix: " + blob);
            String[] jwe = blob.substring(BACKUP_PREFIX.length()).split("\\.", -1);
            assertEquals(5, jwe.length, "the blob after the prefix is not a five-part JWE: " + blob);
            for (String part : jwe) {
                assertFalse(part.isEmpty(), "an empty JWE part: " + blob);
            }

            // Reading the deleted secret: the SDK's exception with the mock's status, code and
            // request ID (the one the mock journaled for that request).
            Matcher deleted = ERROR.matcher(String.valueOf(run.line("read deleted")));
            assertTrue(deleted.matches(), run.output());
            assertEquals("ClientRequestException", deleted.group(1));
            assertEquals("404", deleted.group(2));
            assertEquals("CSMS.0106", deleted.group(3));
            JsonNode refused = journaled(mock, deleted.group(4));
            assertEquals("ShowSecret", refused.path("operation").asText());
            assertEquals(404, refused.path("status").asInt());

            assertEquals("java-db-password ENABLED", run.line("restore"), run.output());
            assertEquals("v1=SYSPREVIOUS v2=SYSCURRENT", run.line("versions restored"), run.output());
            assertEquals("first-s3cr3t", run.line("read restored v1"), run.output());
            assertEquals("second-s3cr3t", run.line("read restored v2"), run.output());
            assertTrue(run.output().endsWith("done\n"), run.output());

            // The project lookup came first, by the default identity, and every CSMS call went
            // to the project it found.
            List<JsonNode> journal = served(mock);
            JsonNode first = journal.get(0);
            assertEquals("KeystoneListProjects", first.path("operation").asText(), first.toString());
            assertEquals("name=cn-north-4", first.path("query").asText(), first.toString());
            assertEquals(200, first.path("status").asInt(), first.toString());
            assertEquals("default", first.path("principal").asText(), first.toString());
            for (JsonNode e : journal.subList(1, journal.size())) {
                assertTrue(e.path("path").asText().startsWith("/v1/" + Mock.DEMO_PROJECT_ID + "/"),
                        "not under the project the lookup found: " + e);
            }
            assertEquals(List.of(), mock.violations());
        }
    }

    private static final Pattern LISTED = Pattern.compile(
            "(\\d+) listed, (\\d+) distinct, (\\d+) java-paged-\\*, (\\d+) pages");

    /**
     * 250 secrets (251 with the mock's demo secret) listed in pages of 100 in both ways clients
     * loop. Trust comes from JAVA_TOOL_OPTIONS this time, so the whole configuration is in the
     * environment.
     */
    @Test
    void paging() throws Exception {
        try (Mock mock = Mock.start()) {
            Map<String, String> env = Application.env(mock, Mock.DEMO_AK, Mock.DEMO_SK);
            env.put("JAVA_TOOL_OPTIONS", String.join(" ", Application.trustFlags(mock)));
            Application.Run run = Application.run(env, List.of(), "paging", "250");
            assertEquals(0, run.exitCode(), run.output());
            assertEquals("250", run.line("created"), run.output());

            List<Integer> loops = new ArrayList<>();
            for (String how : List.of("list while next_marker", "list until current_count < limit")) {
                Matcher m = LISTED.matcher(String.valueOf(run.line(how)));
                assertTrue(m.matches(), how + ":\n" + run.output());
                int listed = Integer.parseInt(m.group(1));
                int distinct = Integer.parseInt(m.group(2));
                int pages = Integer.parseInt(m.group(4));
                assertEquals(listed, distinct, how + ": a secret was listed twice");
                assertEquals(250, Integer.parseInt(m.group(3)), how + ": not every created secret was listed");
                assertEquals((listed + 99) / 100, pages, how + ": pages of 100");
                assertTrue(pages >= 3, how + ": fewer than three pages");
                loops.add(listed);
            }
            assertEquals(loops.get(0), loops.get(1), "the two loops listed different secrets");

            List<JsonNode> lists = mock.journal().stream()
                    .filter(e -> e.path("operation").asText().equals("ListSecrets")).collect(Collectors.toList());
            assertTrue(lists.stream().allMatch(e -> e.path("query").asText().contains("limit=100")), lists.toString());
            assertEquals(List.of(), mock.violations());
        }
    }

    @Test
    void unknownSecret() throws Exception {
        try (Mock mock = Mock.start()) {
            Application.Run run = Application.run(Application.env(mock, Mock.DEMO_AK, Mock.DEMO_SK),
                    Application.trustFlags(mock), "backup", "java-no-such-secret");
            assertEquals(1, run.exitCode(), run.output());
            Matcher m = ERROR.matcher(String.valueOf(run.line("FAILED")));
            assertTrue(m.matches(), run.output());
            assertEquals("ClientRequestException", m.group(1));
            assertEquals("404", m.group(2));
            assertEquals("CSMS.0106", m.group(3));
            assertFalse(m.group(5).isBlank(), "no error message: " + run.output());
            JsonNode e = journaled(mock, m.group(4));
            assertEquals("DownloadSecretBlob", e.path("operation").asText(), e.toString());
            assertEquals("CSMS.0106", e.path("error_code").asText(), e.toString());
            assertEquals(List.of(), mock.violations());
        }
    }

    /** A wrong SK fails the project lookup with IAM's 401, reported when the client is built. */
    @Test
    void wrongSecretKeyAtTheLookup() throws Exception {
        try (Mock mock = Mock.start()) {
            Application.Run run = Application.run(Application.env(mock, Mock.DEMO_AK, "wrong-secret-key"),
                    Application.trustFlags(mock), "lifecycle");
            assertEquals(1, run.exitCode(), run.output());
            assertEquals(null, run.line("client"), "the client was built:\n" + run.output());
            // The SDK wraps IAM's answer; somewhere in the chain is its ServiceResponseException.
            List<String> chain = new ArrayList<>(run.lines("FAILED"));
            chain.addAll(run.lines("caused by"));
            Matcher m = chain.stream().map(ERROR::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("no service error in the failure:\n" + run.output()));
            assertEquals("ClientRequestException", m.group(1), run.output());
            assertEquals("401", m.group(2), run.output());
            assertEquals("APIGW.0301", m.group(3), run.output());
            assertEquals("KeystoneListProjects", journaled(mock, m.group(4)).path("operation").asText());
            List<JsonNode> journal = served(mock);
            assertEquals(1, journal.size(), journal.toString());
            assertEquals("KeystoneListProjects", journal.get(0).path("operation").asText());
            assertEquals(401, journal.get(0).path("status").asInt());
            assertEquals("APIGW.0301", journal.get(0).path("error_code").asText());
        }
    }

    /** Without the mock's certificate authority the SDK refuses the connection. */
    @Test
    void certificateIsChecked() throws Exception {
        try (Mock mock = Mock.start()) {
            Application.Run run = Application.run(Application.env(mock, Mock.DEMO_AK, Mock.DEMO_SK),
                    List.of(), "lifecycle");
            assertNotEquals(0, run.exitCode(), run.output());
            assertTrue(run.lines("caused by").stream().anyMatch(l -> l.startsWith("javax.net.ssl.SSLHandshakeException: PKIX path building failed")),
                    run.output());
            assertEquals(List.of(), served(mock), "a request got through");
        }
    }

    /** The journal without the admin API's own requests. */
    static List<JsonNode> served(Mock mock) throws Exception {
        return mock.journal().stream().filter(e -> !e.path("path").asText().startsWith("/__admin/"))
                .collect(Collectors.toList());
    }

    /** The journal entry of the request the mock answered with this X-Request-Id. */
    static JsonNode journaled(Mock mock, String requestId) throws Exception {
        assertFalse(requestId.isEmpty() || requestId.equals("null"), "the SDK did not pass on X-Request-Id");
        for (JsonNode e : mock.journal()) {
            if (e.path("request_id").asText().equals(requestId)) {
                return e;
            }
        }
        throw new AssertionError("no journaled request has X-Request-Id " + requestId);
    }
}

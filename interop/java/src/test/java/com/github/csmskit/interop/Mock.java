package com.github.csmskit.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A {@code csmsmock serve --tls} of the test's own, built from this repository, on a free
 * loopback port: its URL, the certificate authority it wrote, a trust store holding it (made
 * with the JDK's keytool, as an operator makes one), and its admin API.
 */
final class Mock implements AutoCloseable {
    static final String DEMO_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    static final String DEMO_AK = "CSMSMOCKDEMOAK000001";
    static final String DEMO_SK = "csmsmockDemoSecretKey0000000000000000000";
    static final String TRUST_STORE_PASSWORD = "changeit";

    private static final Pattern LISTENING = Pattern.compile("listening on (https://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path binary;

    final String url;
    final Path dir;
    final Path caFile;
    private Path trustStore;
    private final Process process;
    private final HttpClient admin;
    private final SSLContext sslContext;
    private final X509TrustManager trustManager;

    private Mock(Process process, String url, Path dir, Path caFile) throws Exception {
        this.process = process;
        this.url = url;
        this.dir = dir;
        this.caFile = caFile;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("csmsmock-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        this.trustManager = (X509TrustManager) tmf.getTrustManagers()[0];
        this.sslContext = SSLContext.getInstance("TLS");
        sslContext.init(null, tmf.getTrustManagers(), null);
        this.admin = HttpClient.newBuilder().sslContext(sslContext).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Starts a mock with the given extra {@code serve} flags. */
    static Mock start(String... flags) throws Exception {
        Path dir = Files.createTempDirectory("csmskit-java-");
        Path caFile = dir.resolve("csmsmock-ca.pem");
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "serve", "--addr", "127.0.0.1:0",
                "--tls", "--tls-cert-out", caFile.toString()));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd)
                .redirectError(dir.resolve("csmsmock.log").toFile())
                .start();
        String url = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
                if (line.strip().equals("Stop with Ctrl-C.")) {
                    break;
                }
            }
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // the mock stopped
                }
            });
            drain.setDaemon(true);
            drain.start();
            if (url == null) {
                throw new IllegalStateException("csmsmock printed no https address: "
                        + Files.readString(dir.resolve("csmsmock.log")));
            }
            return new Mock(p, url, dir, caFile);
        } catch (Exception e) {
            p.destroy();
            throw e;
        }
    }

    /** csmsmock, built once per test run with {@code go build} from this repository. */
    static synchronized Path binary() throws Exception {
        if (binary == null) {
            Path repo = Path.of(System.getProperty("csmskit.repository", "../..")).toAbsolutePath().normalize();
            Path out = Files.createTempDirectory("csmskit-java-bin-").resolve("csmsmock");
            run(List.of("go", "build", "-o", out.toString(), "./cmd/csmsmock"), repo);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(out.getParent())));
            binary = out;
        }
        return binary;
    }

    private static void run(List<String> cmd, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    /**
     * A PKCS12 trust store holding the mock's certificate authority, made as an operator makes
     * one: {@code keytool -importcert} on the PEM the mock wrote.
     */
    synchronized Path trustStore() throws Exception {
        if (trustStore == null) {
            Path store = dir.resolve("csmsmock-trust.p12");
            run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-importcert", "-noprompt", "-alias", "csmsmock", "-file", caFile.toString(),
                    "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", TRUST_STORE_PASSWORD), null);
            trustStore = store;
        }
        return trustStore;
    }

    /** Trust in the mock's certificate authority, for a client configured in code. */
    SSLContext sslContext() {
        return sslContext;
    }

    X509TrustManager trustManager() {
        return trustManager;
    }

    /** The mock's request journal, oldest first. */
    List<JsonNode> journal() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        adminGet("/__admin/journal").get("requests").forEach(out::add);
        return out;
    }

    /** The contract violations the mock recorded. */
    List<JsonNode> violations() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        adminGet("/__admin/violations").get("violations").forEach(out::add);
        return out;
    }

    private JsonNode adminGet(String path) throws Exception {
        HttpResponse<String> res = admin.send(
                HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + res.statusCode() + " " + res.body());
        }
        return JSON.readTree(res.body());
    }

    @Override
    public void close() throws IOException {
        process.destroy(); // SIGTERM: the mock shuts down gracefully
        boolean stopped;
        try {
            stopped = process.waitFor(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        if (!stopped) {
            process.destroyForcibly();
            throw new IllegalStateException("csmsmock did not stop within 15 s");
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }
}

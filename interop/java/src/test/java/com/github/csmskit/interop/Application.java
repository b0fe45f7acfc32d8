package com.github.csmskit.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link CsmsApp} in a JVM of its own, as an application is deployed: its class path is
 * its own runtime class path (written by maven-dependency-plugin), and its whole environment
 * is the SDK's region and IAM endpoint overrides, its AK/SK and an empty HOME (no SDK profile,
 * no proxy). Trust comes from JVM flags.
 */
final class Application {
    /** What a run printed (stdout and stderr) and its exit code. */
    record Run(String output, int exitCode) {
        /** The value of the first line {@code key: value}, or null. */
        String line(String key) {
            List<String> all = lines(key);
            return all.isEmpty() ? null : all.get(0);
        }

        /** The values of every line {@code key: value}. */
        List<String> lines(String key) {
            List<String> out = new ArrayList<>();
            for (String l : output.split("\n")) {
                if (l.startsWith(key + ": ")) {
                    out.add(l.substring(key.length() + 2));
                }
            }
            return out;
        }
    }

    private Application() {}

    /** The flags that make the JVM trust the mock's certificate authority. */
    static List<String> trustFlags(Mock mock) throws Exception {
        return List.of("-Djavax.net.ssl.trustStore=" + mock.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + Mock.TRUST_STORE_PASSWORD);
    }

    /** The environment an application is given: the SDK's overrides and its access key. */
    static Map<String, String> env(Mock mock, String ak, String sk) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", Files.createTempDirectory(mock.dir, "home-").toString());
        env.put("HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4", mock.url);
        env.put("HUAWEICLOUD_SDK_IAM_ENDPOINT", mock.url);
        env.put("CLOUD_SDK_AK", ak);
        env.put("CLOUD_SDK_SK", sk);
        return env;
    }

    /** Runs the application with exactly env and the JVM flags, and waits for it. */
    static Run run(Map<String, String> env, List<String> jvmFlags, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(CsmsApp.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the application did not finish:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new Run(new String(out, StandardCharsets.UTF_8), p.exitValue());
    }

    private static String classPath() throws Exception {
        String classes = System.getProperty("csmskit.application.classes");
        String file = System.getProperty("csmskit.application.classpath");
        if (classes == null || file == null) {
            throw new IllegalStateException("run the tests through Maven (make test-java): the application's class path is unknown");
        }
        return classes + java.io.File.pathSeparator + Files.readString(Path.of(file)).strip();
    }
}

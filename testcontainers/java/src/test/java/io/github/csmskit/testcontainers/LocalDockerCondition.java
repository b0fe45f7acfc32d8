package io.github.csmskit.testcontainers;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Decides, before Testcontainers first talks to Docker, whether the {@code @Testcontainers}
 * classes run: only with the settings that keep Testcontainers on the local daemon (no Ryuk to
 * pull, the Docker host taken as 127.0.0.1 rather than a gateway found by starting a container),
 * and only when a Docker daemon answers. Without one they are skipped, except where CI is set:
 * there a missing daemon fails the run. Registered for every test class through
 * META-INF/services and junit-platform.properties, so it is evaluated before the classes' own
 * extensions.
 */
public final class LocalDockerCondition implements ExecutionCondition {
    /** What Testcontainers must find in the environment, the only place it reads them from. */
    private static final Map<String, String> REQUIRED_ENVIRONMENT = Map.of(
            "TESTCONTAINERS_RYUK_DISABLED", "true",
            "TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");

    private static final AtomicBoolean skipReported = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean usesDocker = context.getTestClass()
                .map(c -> AnnotationSupport.isAnnotated(c, Testcontainers.class))
                .orElse(false);
        if (!usesDocker) {
            return ConditionEvaluationResult.enabled("no container");
        }
        REQUIRED_ENVIRONMENT.forEach((name, want) -> {
            String got = System.getenv(name);
            if (!want.equals(got)) {
                throw new IllegalStateException(name + "=" + want + " must be in the environment (mvn test sets it"
                        + " through surefire); it is " + (got == null ? "unset" : "\"" + got + "\""));
            }
        });
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("a Docker daemon answers");
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty()) {
            throw new IllegalStateException("no Docker daemon answers, and CI=" + ci + " requires one");
        }
        String reason = "no Docker daemon answers (start one, or set DOCKER_HOST); with CI set this fails";
        if (!skipReported.getAndSet(true)) {
            // Surefire shows skipped tests without their reason.
            System.err.println("SKIPPED the container tests: " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }
}

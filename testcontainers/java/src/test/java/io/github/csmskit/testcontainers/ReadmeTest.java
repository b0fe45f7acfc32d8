package io.github.csmskit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The usage example in README.md is CsmsMockContainerTest as it is, so it stays one that runs. */
class ReadmeTest {
    private static final String FENCE = "```java\n";

    @Test
    void usageExampleIsTheTest() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("csmskit.readme")));
        int start = readme.indexOf(FENCE);
        assertTrue(start >= 0, "README.md has no java example");
        int end = readme.indexOf("```", start + FENCE.length());
        String example = readme.substring(start + FENCE.length(), end);

        String test = Files.readString(Path.of(System.getProperty("csmskit.testSources"),
                "io/github/csmskit/testcontainers/CsmsMockContainerTest.java"));
        assertEquals(test, example, "README.md's java example differs from CsmsMockContainerTest.java");
    }
}

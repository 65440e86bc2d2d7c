package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Makefiles `sam build` runs (Metadata BuildMethod: makefile), run the way SAM runs them: {@code make
 * --makefile functions/<module>/Makefile build-<LogicalId>} with ARTIFACTS_DIR set, from a working directory
 * that is not the repository (SAM's scratch copy of the CodeUri folder). SAM itself cannot run here; this
 * checks the contract it relies on: the target exists, builds the module from the root pom inside the reactor,
 * and leaves lib/*.jar (the module's jar with the handler among them) at the artifact directory's root.
 * Skipped, with the reason, when make (or, for the real build, Maven or unzip) is not installed.
 */
class MakefileBuildTest {
    private static Path root;

    @BeforeAll
    static void load() {
        root = Templates.root();
    }

    static Stream<String> functions() {
        return ExpectedFunction.BY_LOGICAL_ID.keySet().stream();
    }

    /** Dry run (make -n): the commands each function's target would run, without running them. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void eachTargetBuildsItsModuleInTheReactorAndUnpacksItsZip(String id, @TempDir Path scratch) {
        requireOnPath("make");
        ExpectedFunction expected = ExpectedFunction.BY_LOGICAL_ID.get(id);
        Path artifacts = scratch.resolve("artifacts");
        Result dryRun = make(scratch, expected, "build-" + id, List.of("-n", "ARTIFACTS_DIR=" + artifacts));
        assertEquals(0, dryRun.exit(), expected.makefile() + " build-" + id + ": " + dryRun.output());
        checkDryRun(id, expected, artifacts, dryRun.output());
    }

    static void checkDryRun(String id, ExpectedFunction expected, Path artifacts, String output) {
        String module = expected.module();
        String maven = "-f \"" + root.resolve("pom.xml") + "\" -pl functions/" + module + " -am package -DskipTests";
        assertTrue(output.lines().anyMatch(l -> l.contains("mvn ") && l.contains(maven)),
                id + ": the target must run `mvn ... " + maven + "`, got:\n" + output);
        String unzip = "unzip -q -o \"" + root.resolve(expected.zip()) + "\" -d \"" + artifacts + "\"";
        assertTrue(output.lines().anyMatch(l -> l.trim().equals(unzip)),
                id + ": the target must run `" + unzip + "`, got:\n" + output);
    }

    @Test
    void aTargetBuildingAnotherModuleIsReported() {
        requireOnPath("make");
        Path artifacts = Path.of("/tmp/artifacts");
        ExpectedFunction deduct = ExpectedFunction.BY_LOGICAL_ID.get("DeductCreditsFunction");
        ExpectedFunction query = ExpectedFunction.BY_LOGICAL_ID.get("CreditsQueryFunction");
        Result queryDryRun = make(root, query, "build-CreditsQueryFunction", List.of("-n", "ARTIFACTS_DIR=" + artifacts));
        assertEquals(0, queryDryRun.exit(), queryDryRun.output());
        AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> checkDryRun("DeductCreditsFunction", deduct, artifacts, queryDryRun.output()));
        assertTrue(String.valueOf(error.getMessage()).contains("-pl functions/deduct-credits"), error.getMessage());
    }

    @Test
    void anUnknownFunctionHasNoTarget(@TempDir Path scratch) {
        requireOnPath("make");
        ExpectedFunction deduct = ExpectedFunction.BY_LOGICAL_ID.get("DeductCreditsFunction");
        Result result = make(scratch, deduct, "build-NoSuchFunction", List.of("-n", "ARTIFACTS_DIR=" + scratch));
        assertNotEquals(0, result.exit(), "make -n build-NoSuchFunction succeeded: " + result.output());
    }

    /** Without ARTIFACTS_DIR the target stops before anything runs (its rm -rf would otherwise aim at /lib). */
    @Test
    void aMissingArtifactsDirIsRefusedBeforeAnythingRuns(@TempDir Path scratch) {
        requireOnPath("make");
        ExpectedFunction deduct = ExpectedFunction.BY_LOGICAL_ID.get("DeductCreditsFunction");
        Path marker = scratch.resolve("maven-ran");
        Result result = make(scratch, deduct, "build-DeductCreditsFunction",
                List.of("MVN=touch \"" + marker + "\" #", "ARTIFACTS_DIR="));
        assertNotEquals(0, result.exit(), "build without ARTIFACTS_DIR succeeded: " + result.output());
        assertTrue(result.output().contains("ARTIFACTS_DIR"), result.output());
        assertTrue(Files.notExists(marker), "Maven ran although ARTIFACTS_DIR was missing");
    }

    /**
     * The real thing for one function, as sam build runs it: Maven packages deduct-credits (and the shared modules
     * it depends on) and the artifact directory ends up as lib/*.jar with the handler in the module's jar.
     */
    @Test
    void buildingDeductCreditsLeavesItsJarsUnderLib(@TempDir Path scratch) throws IOException {
        requireOnPath("make");
        requireOnPath("unzip");
        String mvn = maven().orElse(null);
        Assumptions.assumeTrue(mvn != null, "Maven not found (no maven.home from surefire, no mvn on PATH);"
                + " skipping the real make build");
        ExpectedFunction deduct = ExpectedFunction.BY_LOGICAL_ID.get("DeductCreditsFunction");
        Path artifacts = scratch.resolve("DeductCreditsFunction");
        List<String> variables = new ArrayList<>(List.of("ARTIFACTS_DIR=" + artifacts, "MVN=" + mvn));
        String repository = System.getProperty("prepaid.maven.repo.local");
        if (repository != null && !repository.isBlank() && !repository.startsWith("${")) {
            variables.add("MVN_FLAGS=-q -B -Dmaven.repo.local=" + repository);
        }
        Result result = make(scratch.resolve("scratch"), deduct, "build-DeductCreditsFunction", variables);
        if (result.exit() != 0 && result.output().contains("unzip") && result.output().contains(deduct.zip())) {
            // Another Maven build in the same checkout (an IDE, a second terminal) may have been rewriting the zip
            // while unzip read it; a Makefile bug fails the second attempt too.
            result = make(scratch.resolve("scratch"), deduct, "build-DeductCreditsFunction", variables);
        }
        assertEquals(0, result.exit(), "make build-DeductCreditsFunction failed:\n" + result.output());

        List<String> names = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(artifacts)) {
            walk.filter(p -> !p.equals(artifacts)).sorted(Comparator.naturalOrder()).forEach(p -> {
                String name = artifacts.relativize(p).toString().replace(File.separatorChar, '/');
                names.add(Files.isDirectory(p) ? name + "/" : name);
            });
        }
        String jar = FunctionPackageTest.checkLambdaLayout(artifacts.toString(), names, deduct.module());
        try (InputStream in = Files.newInputStream(artifacts.resolve(jar))) {
            FunctionPackageTest.checkHoldsClass(artifacts.resolve(jar).toString(), in, deduct.handlerClass());
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------

    record Result(int exit, String output) {
    }

    /** make --makefile &lt;root&gt;/functions/&lt;module&gt;/Makefile target variables..., run in {@code workingDir}. */
    private static Result make(Path workingDir, ExpectedFunction function, String target, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("make", "--no-print-directory", "--makefile",
                root.resolve(function.makefile()).toString()));
        command.addAll(arguments);
        command.add(target);
        try {
            Files.createDirectories(workingDir);
            Path log = Files.createTempFile("make", ".log");
            try {
                Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!process.waitFor(15, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in 15 minutes");
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The Maven running this build (surefire passes maven.home), else mvn on the PATH. */
    private static Optional<String> maven() {
        String home = System.getProperty("prepaid.maven.home");
        if (home != null && !home.isBlank() && !home.startsWith("${")) {
            Path mvn = Path.of(home, "bin", "mvn");
            if (Files.isExecutable(mvn)) {
                return Optional.of(mvn.toString());
            }
        }
        return onPath("mvn") ? Optional.of("mvn") : Optional.empty();
    }

    private static void requireOnPath(String program) {
        Assumptions.assumeTrue(onPath(program), program + " is not installed (not on PATH); skipping the Makefile"
                + " checks that need it (sam build's makefile builds need it too)");
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}

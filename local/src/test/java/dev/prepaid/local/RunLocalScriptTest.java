package dev.prepaid.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./run-local script as a newcomer meets it, run by bash with a stand-in {@code mvn} first on the PATH (it
 * prints what Maven prints, and records that it ran): --help answers without a build, the first build shows
 * which module it is on, a failed build shows the end of its log.
 */
class RunLocalScriptTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    /** A copy of the repository's script (and its usage file) in {@code dir}, with {@code mvn} as given. */
    private Run run(String fakeMvn, String... args) throws IOException, InterruptedException {
        Path root = TestSupport.root();
        Files.copy(root.resolve("run-local"), dir.resolve("run-local"), StandardCopyOption.REPLACE_EXISTING);
        Path usage = dir.resolve("local/src/main/resources/run-local-usage.txt");
        Files.createDirectories(usage.getParent());
        Files.copy(root.resolve("local/src/main/resources/run-local-usage.txt"), usage, StandardCopyOption.REPLACE_EXISTING);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/usr/bin/env bash\necho \"$*\" >> \"" + dir.resolve("mvn-calls") + "\"\n" + fakeMvn);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new java.util.ArrayList<>(List.of("bash", dir.resolve("run-local").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        builder.environment().put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "run-local did not finish");
        return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private List<String> mvnCalls() throws IOException {
        Path calls = dir.resolve("mvn-calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void helpAnswersWithoutABuild() throws Exception {
        Run help = run("exit 1\n", "--port", "4000", "--help");

        assertEquals(0, help.exit(), help.err());
        assertEquals(Options.USAGE, help.out());
        assertTrue(help.out().startsWith("usage: ./run-local"), help.out());
        assertEquals(List.of(), mvnCalls(), "--help ran Maven");
        assertEquals(0, run("exit 1\n", "-h").exit());
    }

    @Test
    void theFirstBuildShowsWhichModuleItIsOn() throws Exception {
        String maven = """
                if [[ "$*" == *install* ]]; then
                  echo '[INFO] Scanning for projects...'
                  echo '[INFO] Downloading from central: https://repo.maven.apache.org/maven2/a/a/1/a-1.pom'
                  echo '[INFO] Downloading from central: https://repo.maven.apache.org/maven2/b/b/1/b-1.jar'
                  echo '[INFO] Building prepaid core (domain, ports, application) 1.0.0-SNAPSHOT  [1/2]'
                  echo '[INFO] Building jar: /x/shared/core/target/prepaid-core-1.0.0-SNAPSHOT.jar'
                  echo '[INFO] Building prepaid local runner 1.0.0-SNAPSHOT                     [2/2]'
                  echo '[INFO] BUILD SUCCESS'
                else
                  echo "runner started with $*"
                fi
                """;
        Run started = run(maven, "--in-memory", "--port", "4000");

        assertEquals(0, started.exit(), started.err());
        List<String> lines = started.out().lines().toList();
        assertEquals(List.of(
                "run-local: first build (downloads the dependencies and compiles every module; a few minutes) ...",
                "  downloading dependencies ...",
                "  building prepaid core (domain, ports, application) 1.0.0-SNAPSHOT [1/2]",
                "  building prepaid local runner 1.0.0-SNAPSHOT [2/2]",
                "runner started with -q -pl local exec:java -Dexec.args=--in-memory --port 4000"), lines);
        assertTrue(Files.readString(dir.resolve("local/target/run-local-build.log")).contains("BUILD SUCCESS"),
                "the whole build log is kept");
    }

    @Test
    void aFailedBuildShowsTheEndOfItsLogAndStops() throws Exception {
        Run failed = run("""
                echo '[INFO] Building prepaid core (domain, ports, application) 1.0.0-SNAPSHOT  [1/2]'
                echo '[ERROR] COMPILATION ERROR : Foo.java:[3,1] class, interface, enum, or record expected'
                echo '[INFO] BUILD FAILURE'
                exit 1
                """);

        assertEquals(1, failed.exit());
        assertTrue(failed.err().contains("COMPILATION ERROR : Foo.java"), failed.err());
        assertTrue(failed.err().contains("run-local: the build failed (whole log: local/target/run-local-build.log)"),
                failed.err());
        assertEquals(1, mvnCalls().size(), "the runner must not start after a failed build: " + mvnCalls());
        assertFalse(failed.out().contains("runner started"));
    }
}

package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each function's CodeUri is its Maven module's folder, built by `sam build` through the Makefile there
 * (Metadata BuildMethod: makefile; MakefileBuildTest runs it), and the zip the module packages holds the
 * handler. The zips exist only after `mvn package`: in `mvn package` / `mvn verify` from the repository root
 * this module is built after the functions and checks them; in `mvn test`, or when this module runs alone
 * before a package, the zip checks are skipped (reported as skipped, with the reason).
 */
class FunctionPackageTest {
    private static JsonNode template;
    private static Path root;

    @BeforeAll
    static void load() {
        root = Templates.root();
        template = Templates.template();
    }

    static Stream<String> functions() {
        return ExpectedFunction.BY_LOGICAL_ID.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void codeUriIsTheModuleBuiltByItsMakefileAndTheHandlerExists(String id) {
        ExpectedFunction expected = ExpectedFunction.BY_LOGICAL_ID.get(id);
        JsonNode resource = template.path("Resources").path(id);
        JsonNode properties = resource.path("Properties");
        assertEquals(expected.codeUri(), properties.path("CodeUri").asText(), id + " CodeUri");
        assertEquals(expected.handler(), properties.path("Handler").asText(), id + " Handler");
        assertEquals("makefile", resource.path("Metadata").path("BuildMethod").asText(),
                id + " Metadata.BuildMethod: sam build runs make build-" + id + " (its own Maven builder would build"
                        + " the module outside the reactor)");
        assertTrue(Files.isRegularFile(root.resolve(expected.makefile())), id + ": no " + expected.makefile()
                + " (sam build looks for the Makefile in the CodeUri folder)");

        Path pom = root.resolve("functions").resolve(expected.module()).resolve("pom.xml");
        assertTrue(Files.isRegularFile(pom), "no module at " + pom);
        assertTrue(Templates.read(pom).contains("<artifactId>" + expected.module() + "</artifactId>"),
                pom + " must have artifactId " + expected.module() + " (the zip is named after it)");
        assertTrue(Files.isRegularFile(root.resolve(expected.handlerSource())), "no handler source " + expected.handlerSource());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void builtZipHoldsTheHandlerClass(String id) throws IOException {
        ExpectedFunction expected = ExpectedFunction.BY_LOGICAL_ID.get(id);
        Path zip = root.resolve(expected.zip());
        Assumptions.assumeTrue(Files.isRegularFile(zip), () -> zip + " is not built; run `mvn package` (or `mvn verify`)"
                + " from the repository root to check its contents");

        try (ZipFile archive = new ZipFile(zip.toFile())) {
            List<String> names = archive.stream().map(ZipEntry::getName).toList();
            String artifact = checkLambdaLayout(zip.toString(), names, expected.module());
            try (InputStream in = archive.getInputStream(archive.getEntry(artifact))) {
                checkHoldsClass(zip + "!/" + artifact, in, expected.handlerClass());
            }
        }
    }

    /**
     * The $default route's function routes and answers errors, nothing more: its zip carries no AWS service client
     * (DynamoDB, SQS, Secrets Manager), no HTTP client and no provider adapter (stripe-java, prepaid-providers),
     * so it stays small and starts fast.
     */
    @org.junit.jupiter.api.Test
    void theDefaultRouteFunctionCarriesNoClients() throws IOException {
        ExpectedFunction expected = ExpectedFunction.BY_LOGICAL_ID.get("NotFoundFunction");
        Path zip = root.resolve(expected.zip());
        Assumptions.assumeTrue(Files.isRegularFile(zip), () -> zip + " is not built; run `mvn package` (or `mvn verify`)");
        Pattern forbidden = Pattern.compile("lib/(dynamodb|sqs|secretsmanager|url-connection-client|apache-client|"
                + "netty-nio-client|aws-core|sdk-core|stripe-java|prepaid-providers)-[0-9].*\\.jar");
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            List<String> carried = archive.stream().map(ZipEntry::getName).filter(n -> forbidden.matcher(n).matches()).toList();
            assertEquals(List.of(), carried, zip + ": the $default route's function must not carry clients");
        }
    }

    /**
     * The names of a Lambda Java deployment (a zip's entries, or the files under an artifact directory, with
     * '/' separators and directories ending in '/') are lib/ and lib/*.jar only, one of them the module's own
     * jar; returns that jar's name.
     */
    static String checkLambdaLayout(String where, List<String> names, String module) {
        String jarName = artifactJar(module);
        List<String> outsideLib = new ArrayList<>();
        List<String> jars = new ArrayList<>();
        names.forEach(name -> {
            if (!name.equals("lib/") && !(name.startsWith("lib/") && name.endsWith(".jar") && name.indexOf('/', 4) < 0)) {
                outsideLib.add(name);
            } else if (!name.equals("lib/")) {
                jars.add(name);
            }
        });
        assertEquals(List.of(), outsideLib, where + ": the Lambda Java runtime expects only lib/*.jar");
        Pattern jar = Pattern.compile(jarName);
        return jars.stream().filter(n -> jar.matcher(n).matches()).findFirst()
                .orElseThrow(() -> new AssertionError(where + " has no " + jarName + " among " + jars));
    }

    /** The jar read from {@code in} holds {@code className}'s class file. */
    static void checkHoldsClass(String where, InputStream in, String className) throws IOException {
        String classFile = className.replace('.', '/') + ".class";
        try (ZipInputStream inner = new ZipInputStream(in)) {
            boolean found = false;
            for (ZipEntry entry = inner.getNextEntry(); entry != null && !found; entry = inner.getNextEntry()) {
                found = entry.getName().equals(classFile);
            }
            assertTrue(found, where + " has no " + classFile);
        }
    }

    /** lib/&lt;module&gt;-&lt;version&gt;.jar, as a pattern; any version when surefire did not pass one. */
    private static String artifactJar(String module) {
        String version = System.getProperty("prepaid.version");
        return Pattern.quote("lib/" + module + "-")
                + (version == null || version.isBlank() ? "[0-9][^/]*" : Pattern.quote(version)) + Pattern.quote(".jar");
    }
}

package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README.md's configuration table (the "### Configuration" section: | variable | functions | meaning |) against
 * template.yaml. For every variable the template sets, the functions the README names are exactly the functions
 * that get it: its own Environment.Variables, or every function when Globals.Function sets it ("all"). A variable
 * the template does not set (provider keys, local overrides) is "—", except the provider keys, which reach the
 * functions holding PROVIDER_SECRETS_ARN through the secret. Every variable of the template is in the table.
 *
 * <p>Cells: variables are backticked names, comma separated; {@code <PRODUCT>} in a name stands for any product
 * id. Functions are module names (functions/&lt;module&gt;), comma separated, or "all", or "—".
 */
class ReadmeConfigurationTest {
    private static final String SECTION = "### Configuration";
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*(?:<[A-Z]+>)?[A-Z0-9_]*)`");
    private static final String SECRET_ARN = "PROVIDER_SECRETS_ARN";

    private static String readme;
    private static JsonNode template;

    @BeforeAll
    static void load() {
        readme = Templates.read(Templates.root().resolve("README.md"));
        template = Templates.template();
    }

    @Test
    void theConfigurationTableNamesTheFunctionsTheTemplateGivesEachVariable() {
        check(readme, template);
    }

    @Test
    void theTableIsRead() {
        Map<String, Set<String>> rows = readmeRows(readme);
        assertEquals(Set.of("all"), rows.get("TABLE_NAME"));
        assertEquals(Set.of(), rows.get("DYNAMODB_ENDPOINT"), "— is no function");
        assertTrue(rows.get("PAYMENT_PROVIDER").contains("reconciliation"), rows.toString());
        assertTrue(rows.containsKey("STRIPE_PRICE_<PRODUCT>"), rows.keySet().toString());
    }

    @Test
    void aWrongFunctionListIsReported() {
        // the audit's finding: PAYMENT_PROVIDER is also on reconciliation and admin
        assertFailsOnReadme("PAYMENT_PROVIDER: README.md says [callback, create-order, webhook], template.yaml sets it on",
                text -> text.replace("| `PAYMENT_PROVIDER` | create-order, callback, webhook, reconciliation, admin, auto-topup |",
                        "| `PAYMENT_PROVIDER` | create-order, callback, webhook |"));
        assertFailsOnReadme("FULFILMENT_DLQ_URL: README.md says [admin, fulfilment, reconciliation]",
                text -> text.replace("| `FULFILMENT_DLQ_URL` | reconciliation, admin |",
                        "| `FULFILMENT_DLQ_URL` | reconciliation, admin, fulfilment |"));
        assertFailsOnReadme("in template.yaml but not in README.md's configuration table: [CANCEL_URL]",
                text -> text.replaceAll("(?m)^\\| `CANCEL_URL` \\|.*\\n", ""));
        assertFailsOnReadme("STRIPE_SECRET_KEY: README.md says [callback, create-order, webhook]",
                text -> text.replace("`MOCK_WEBHOOK_SECRET` | create-order, callback, webhook, reconciliation, admin, auto-topup |",
                        "`MOCK_WEBHOOK_SECRET` | create-order, callback, webhook |"));
        assertFailsOnReadme("not a function: 'everything'",
                text -> text.replace("| `TABLE_NAME` | all |", "| `TABLE_NAME` | everything |"));
        assertFailsOnTemplate("RECONCILE_MAX_USERS: README.md says [reconciliation], template.yaml sets it on [admin, reconciliation]",
                copy -> ((ObjectNode) copy.path("Resources").path("AdminFunction").path("Properties").path("Environment")
                        .path("Variables")).put("RECONCILE_MAX_USERS", "5"));
        assertFailsOnTemplate("in template.yaml but not in README.md's configuration table: [NEW_SETTING]",
                copy -> ((ObjectNode) copy.path("Globals").path("Function").path("Environment").path("Variables"))
                        .put("NEW_SETTING", "x"));
        assertThrows(AssertionError.class, () -> readmeRows("# x\n"), "no configuration section");
    }

    static void check(String readme, JsonNode template) {
        Map<String, Set<String>> rows = readmeRows(readme);
        Map<String, String> moduleOf = new TreeMap<>();
        Map<String, JsonNode> functions = Templates.resources(template, "AWS::Serverless::Function");
        functions.keySet().forEach(id -> {
            ExpectedFunction expected = ExpectedFunction.BY_LOGICAL_ID.get(id);
            moduleOf.put(id, expected == null ? id : expected.module());
        });
        Set<String> allModules = new TreeSet<>(moduleOf.values());

        // variable -> modules whose environment the template gives it
        Map<String, Set<String>> setOn = new TreeMap<>();
        template.path("Globals").path("Function").path("Environment").path("Variables").fieldNames()
                .forEachRemaining(name -> setOn.computeIfAbsent(name, n -> new TreeSet<>()).addAll(allModules));
        functions.forEach((id, function) -> function.path("Properties").path("Environment").path("Variables").fieldNames()
                .forEachRemaining(name -> setOn.computeIfAbsent(name, n -> new TreeSet<>()).add(moduleOf.get(id))));
        Set<String> withSecret = setOn.getOrDefault(SECRET_ARN, Set.of());

        Set<String> covered = new TreeSet<>();
        rows.forEach((variable, named) -> {
            Set<String> readmeModules = named.equals(Set.of("all")) ? allModules : named;
            readmeModules.forEach(m -> assertTrue(allModules.contains(m), variable + ": not a function: '" + m
                    + "' (module names " + allModules + ", \"all\" or \"—\")"));
            Pattern pattern = Pattern.compile(Pattern.quote(variable).replaceAll("<[A-Z]+>", "\\\\E[A-Z0-9_]+\\\\Q"));
            List<String> matching = setOn.keySet().stream().filter(v -> pattern.matcher(v).matches()).toList();
            List<String> checked = matching.isEmpty() ? List.of(variable) : matching;
            for (String name : checked) {
                covered.add(name);
                Set<String> expected = setOn.containsKey(name) ? setOn.get(name)
                        : TemplateContentTest.PROVIDER_SECRET_ENV.contains(name) ? withSecret : Set.of();
                // (provider id overrides, STRIPE_PRICE_<PRODUCT>: unset in the template, the catalog file has the ids)
                assertEquals(new TreeSet<>(expected), new TreeSet<>(readmeModules), name + ": README.md says "
                        + new TreeSet<>(readmeModules) + ", template.yaml sets it on " + new TreeSet<>(expected)
                        + (setOn.containsKey(name) ? "" : " (not set in the template: through the provider secret or not at all)"));
            }
        });
        Set<String> undocumented = new TreeSet<>(setOn.keySet());
        undocumented.removeAll(covered);
        assertEquals(Set.of(), undocumented, "in template.yaml but not in README.md's configuration table: " + undocumented);
    }

    /** Variable (or pattern with &lt;PRODUCT&gt;) to the functions cell: module names, "all", or none for "—". */
    static Map<String, Set<String>> readmeRows(String text) {
        int start = text.indexOf("\n" + SECTION + "\n");
        assertTrue(start >= 0, "README.md has no '" + SECTION + "' section");
        Map<String, Set<String>> rows = new LinkedHashMap<>();
        boolean header = true;
        boolean started = false;
        for (String line : text.substring(start + SECTION.length() + 2).split("\n", -1)) {
            if (line.startsWith("#")) {
                break;
            }
            if (!line.startsWith("|")) {
                if (started) {
                    break;
                }
                continue;
            }
            started = true;
            List<String> cells = cells(line);
            if (header) {
                assertEquals(List.of("variable", "functions", "meaning"), cells, "the configuration table's header");
                header = false;
                continue;
            }
            if (cells.get(0).startsWith("---")) {
                continue;
            }
            List<String> names = new ArrayList<>();
            Matcher name = NAME.matcher(cells.get(0));
            while (name.find()) {
                names.add(name.group(1));
            }
            assertFalse(names.isEmpty(), "a configuration row without a `VARIABLE`: " + line);
            Set<String> functions = new TreeSet<>();
            String cell = cells.get(1);
            if (!cell.equals("—") && !cell.equals("-")) {
                for (String part : cell.split(",")) {
                    functions.add(part.strip());
                }
            }
            for (String n : names) {
                assertTrue(rows.put(n, functions) == null, n + ": listed twice in the configuration table");
            }
        }
        assertFalse(rows.isEmpty(), "README.md's configuration table has no rows");
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static void assertFailsOnReadme(String expected, UnaryOperator<String> breakIt) {
        check(readme, template);
        String broken = breakIt.apply(readme);
        assertFalse(broken.equals(readme), "the README no longer has what this test breaks (" + expected + ")");
        AssertionError error = assertThrows(AssertionError.class, () -> check(broken, template), expected);
        assertTrue(String.valueOf(error.getMessage()).contains(expected), "expected '" + expected + "', got: " + error.getMessage());
    }

    private static void assertFailsOnTemplate(String expected, Consumer<ObjectNode> breakIt) {
        check(readme, template);
        ObjectNode broken = Templates.template();
        breakIt.accept(broken);
        AssertionError error = assertThrows(AssertionError.class, () -> check(readme, broken), expected);
        assertTrue(String.valueOf(error.getMessage()).contains(expected), "expected '" + expected + "', got: " + error.getMessage());
    }
}

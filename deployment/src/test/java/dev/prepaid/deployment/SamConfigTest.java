package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * samconfig.toml against the template: each environment's parameter_overrides name only template
 * parameters, give every parameter that has no default, and respect AllowedValues and AllowedPattern
 * (sam deploy would otherwise fail, or, worse, deploy prod with test settings). Read with a small parser
 * for the subset of TOML the file uses: [env.deploy.parameters] tables of key = "string" / true / false,
 * and parameter_overrides as a list of "Name=value" strings, one a line.
 */
class SamConfigTest {
    private static final Pattern TABLE = Pattern.compile("^\\[([A-Za-z0-9_.-]+)]$");
    private static final Pattern SETTING = Pattern.compile("^([A-Za-z0-9_]+)\\s*=\\s*(\"[^\"]*\"|true|false|[0-9.]+)$");
    private static final Pattern OVERRIDE = Pattern.compile("^\"([A-Za-z0-9]+)=([^\"]*)\",?$");
    /** What a real provider key looks like; samconfig.toml is committed, the keys belong in Secrets Manager. */
    private static final Pattern KEY_LIKE = Pattern.compile("^(sk|rk|pk)_(live|test)_|^whsec_|^creem_");

    private static JsonNode parameters;
    private static Map<String, Environment> environments;

    record Environment(Map<String, String> settings, Map<String, String> overrides) {
    }

    @BeforeAll
    static void load() {
        parameters = Templates.template().path("Parameters");
        environments = parse(Templates.read(Templates.root().resolve("samconfig.toml")));
    }

    @Test
    void hasTheDefaultDevAndProdEnvironments() {
        assertEquals(Set.of("default", "dev", "prod"), environments.keySet());
        assertEquals("\"prepaid-dev\"", environments.get("default").settings().get("stack_name"), "plain sam deploy is dev");
        assertEquals("\"prepaid-dev\"", environments.get("dev").settings().get("stack_name"));
        assertEquals("\"prepaid-prod\"", environments.get("prod").settings().get("stack_name"));
        assertEquals("true", environments.get("prod").settings().get("confirm_changeset"), "prod shows its change set");
    }

    @Test
    void everyEnvironmentGivesValidValuesForTheTemplatesParameters() {
        environments.forEach((name, environment) -> check(name, environment.overrides()));
    }

    @Test
    void devIsTestModeAndProdIsProduction() {
        for (String dev : List.of("default", "dev")) {
            assertEquals("dev", environments.get(dev).overrides().get("Stage"), dev);
            assertEquals("test", environments.get(dev).overrides().get("PaymentEnv"), dev);
        }
        Map<String, String> prod = environments.get("prod").overrides();
        assertEquals("prod", prod.get("Stage"));
        assertEquals("production", prod.get("PaymentEnv"));
        assertNotEquals("mock", prod.get("PaymentProvider"), "the mock provider grants credits for nothing");
    }

    /**
     * sam deploy reads the template sam build wrote (template.yaml's CodeUris are module folders that only the
     * Makefile build turns into lib/*.jar), and sam build runs one Maven build at a time, never from SAM's cache.
     */
    @Test
    void deployUsesTheBuiltTemplateAndBuildRunsMavenOneAtATime() {
        checkBuildAndDeploySettings(tables(Templates.read(Templates.root().resolve("samconfig.toml"))));
    }

    @Test
    void unsafeBuildOrDeploySettingsAreReported() {
        Map<String, Map<String, String>> good = tables(Templates.read(Templates.root().resolve("samconfig.toml")));
        checkBuildAndDeploySettings(good);
        assertTablesBroken("template_file", good, t -> t.get("prod.deploy.parameters").remove("template_file"));
        assertTablesBroken("template_file", good, t -> t.get("dev.deploy.parameters").put("template_file", "\"template.yaml\""));
        assertTablesBroken("parallel", good, t -> t.get("default.build.parameters").put("parallel", "true"));
        assertTablesBroken("cached", good, t -> t.get("prod.build.parameters").put("cached", "true"));
        assertTablesBroken("build.parameters", good, t -> t.remove("dev.build.parameters"));
    }

    static void checkBuildAndDeploySettings(Map<String, Map<String, String>> tables) {
        for (String environment : environments.keySet()) {
            Map<String, String> deploy = tables.getOrDefault(environment + ".deploy.parameters", Map.of());
            assertEquals("\".aws-sam/build/template.yaml\"", deploy.get("template_file"), environment
                    + ".deploy.parameters template_file: the built template (template.yaml's CodeUris are unbuilt modules)");
            Map<String, String> build = tables.get(environment + ".build.parameters");
            assertTrue(build != null, "no [" + environment + ".build.parameters]: sam build --config-env " + environment
                    + " would run with SAM's defaults");
            assertEquals("false", build.get("parallel"), environment + ".build.parameters parallel: one Maven build at a time");
            assertEquals("false", build.get("cached"), environment
                    + ".build.parameters cached: SAM's cache hashes functions/<name>, not the shared modules");
        }
    }

    private static void assertTablesBroken(String expected, Map<String, Map<String, String>> good,
                                           java.util.function.Consumer<Map<String, Map<String, String>>> breakIt) {
        Map<String, Map<String, String>> broken = new LinkedHashMap<>();
        good.forEach((k, v) -> broken.put(k, new LinkedHashMap<>(v)));
        breakIt.accept(broken);
        AssertionError error = assertThrows(AssertionError.class, () -> checkBuildAndDeploySettings(broken), expected);
        assertTrue(String.valueOf(error.getMessage()).contains(expected),
                "expected '" + expected + "', got: " + error.getMessage());
    }

    /** Every table's plain settings (key = value), parameter_overrides left out. */
    static Map<String, Map<String, String>> tables(String toml) {
        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        Map<String, String> current = null;
        boolean inList = false;
        for (String raw : toml.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (inList) {
                inList = !line.equals("]");
                continue;
            }
            Matcher table = TABLE.matcher(line);
            if (table.matches()) {
                current = new LinkedHashMap<>();
                assertTrue(tables.put(table.group(1), current) == null, "samconfig.toml: twice: " + table.group(1));
                continue;
            }
            if (line.startsWith("parameter_overrides")) {
                inList = line.endsWith("[");
                continue;
            }
            Matcher setting = SETTING.matcher(line);
            if (setting.matches() && current != null) {
                assertTrue(current.put(setting.group(1), setting.group(2)) == null, "samconfig.toml: twice: " + line);
            }
        }
        return tables;
    }

    @Test
    void brokenOverridesAreReported() {
        Map<String, String> good = environments.get("dev").overrides();
        check("dev", good);
        assertBroken("not a template parameter", good, o -> o.put("PaymentProvidr", "stripe"));
        assertBroken("no default and not given", good, o -> o.remove("PublicApiUrl"));
        assertBroken("AllowedValues", good, o -> o.put("PaymentEnv", "live"));
        assertBroken("AllowedPattern", good, o -> o.put("PublicApiUrl", "https://api.example.com/"));
        assertBroken("provider key", good, o -> o.put("CancelUrl", "sk_live_abc"));
        assertThrows(AssertionError.class, () -> parse("[dev.deploy.parameters]\nparameter_overrides = [\n"
                + "    \"Stage=dev\",\n    \"Stage=prod\",\n]\n"), "a parameter given twice");
        assertThrows(AssertionError.class, () -> parse("[dev.deploy.parameters]\nparameter_overrides = \"Stage=dev\"\n"),
                "the one-string form");
    }

    private static void assertBroken(String expected, Map<String, String> good,
                                     java.util.function.Consumer<Map<String, String>> breakIt) {
        Map<String, String> broken = new LinkedHashMap<>(good);
        breakIt.accept(broken);
        AssertionError error = assertThrows(AssertionError.class, () -> check("broken", broken), expected);
        assertTrue(String.valueOf(error.getMessage()).contains(expected),
                "expected '" + expected + "', got: " + error.getMessage());
    }

    private static void check(String environment, Map<String, String> overrides) {
        Set<String> unknown = new TreeSet<>(overrides.keySet());
        parameters.fieldNames().forEachRemaining(unknown::remove);
        assertEquals(Set.of(), unknown, environment + ": not a template parameter");
        parameters.properties().forEach(e -> {
            String name = e.getKey();
            JsonNode parameter = e.getValue();
            String value = overrides.get(name);
            if (value == null) {
                assertTrue(parameter.has("Default"), environment + ": " + name + " has no default and not given");
                return;
            }
            List<String> allowed = Templates.texts(parameter.path("AllowedValues"));
            assertTrue(allowed.isEmpty() || allowed.contains(value),
                    environment + ": " + name + "=" + value + " is not in AllowedValues " + allowed);
            if (parameter.has("AllowedPattern")) {
                assertTrue(Pattern.compile(parameter.path("AllowedPattern").asText()).matcher(value).matches(),
                        environment + ": " + name + "=" + value + " does not match AllowedPattern");
            }
            assertFalse(KEY_LIKE.matcher(value).find(), environment + ": " + name
                    + " looks like a provider key; keys go into the ProviderSecrets secret, never into samconfig.toml");
        });
    }

    static Map<String, Environment> parse(String toml) {
        Map<String, Environment> result = new LinkedHashMap<>();
        Environment current = null;
        boolean inOverrides = false;
        int number = 0;
        for (String raw : toml.split("\n", -1)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "samconfig.toml:" + number + ": ";
            if (inOverrides) {
                if (line.equals("]")) {
                    inOverrides = false;
                    continue;
                }
                Matcher override = OVERRIDE.matcher(line);
                assertTrue(override.matches(), where + "expected \"Name=value\", got " + line);
                assertTrue(current.overrides().put(override.group(1), override.group(2)) == null,
                        where + override.group(1) + " given twice");
                continue;
            }
            Matcher table = TABLE.matcher(line);
            if (table.matches()) {
                String name = table.group(1);
                current = null;
                if (name.endsWith(".deploy.parameters")) {
                    current = new Environment(new LinkedHashMap<>(), new LinkedHashMap<>());
                    assertTrue(result.put(name.substring(0, name.indexOf('.')), current) == null, where + "twice: " + name);
                }
                continue;
            }
            if (line.startsWith("parameter_overrides")) {
                assertTrue(current != null && line.matches("parameter_overrides\\s*=\\s*\\["),
                        where + "parameter_overrides as a list of \"Name=value\" strings, one a line");
                inOverrides = true;
                continue;
            }
            Matcher setting = SETTING.matcher(line);
            assertTrue(setting.matches(), where + "not understood: " + line);
            if (current != null) {
                current.settings().put(setting.group(1), setting.group(2));
            }
        }
        assertFalse(inOverrides, "samconfig.toml: parameter_overrides not closed");
        return result;
    }
}

package dev.prepaid.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.local.template.CloudFormationYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds and reads the repository's template.yaml; shared by the deployment tests. */
final class Templates {
    static final ObjectMapper JSON = new ObjectMapper();
    /** ${Name} or ${Name.Attribute} in an Fn::Sub string; ${!Literal} is not a reference. */
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9]+)(?:\\.[A-Za-z0-9.]+)?}");
    /** The official SAM schema on the test classpath (src/test/resources/sam, licence in the NOTICE.md there). */
    static final String SCHEMA = "/sam/sam.schema.json";

    private Templates() {
    }

    /**
     * The repository root: the surefire property {@code prepaid.root} when set, else the first directory
     * up from the working directory that holds template.yaml beside functions/.
     */
    static Path root() {
        String configured = System.getProperty("prepaid.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = cwd(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml")) && Files.isDirectory(dir.resolve("functions"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml beside functions/ at or above " + cwd());
    }

    /** The official SAM schema, parsed. */
    static JsonNode samSchema() {
        try (java.io.InputStream in = Templates.class.getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException("no " + SCHEMA + " on the test classpath (deployment/src/test/resources)");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCHEMA, e);
        }
    }

    static Path cwd() {
        return Path.of("").toAbsolutePath().normalize();
    }

    /** The route key of the HTTP API's catch-all route: an HttpApi event with neither Path nor Method. */
    static final String DEFAULT_ROUTE = "$default";

    /** An HttpApi event's route key: "METHOD /path", or {@value #DEFAULT_ROUTE} for the event without Path and Method. */
    static String routeKey(JsonNode eventProperties) {
        if (!eventProperties.has("Path") && !eventProperties.has("Method")) {
            return DEFAULT_ROUTE;
        }
        return eventProperties.path("Method").asText().toUpperCase(java.util.Locale.ROOT) + " "
                + eventProperties.path("Path").asText();
    }

    static String templateText() {
        return read(root().resolve("template.yaml"));
    }

    /** template.yaml with every short-form tag in its long form, as JSON. */
    static ObjectNode template() {
        return toJson(templateText());
    }

    static ObjectNode toJson(String yaml) {
        Object loaded = CloudFormationYaml.load(yaml);
        if (!(loaded instanceof Map)) {
            throw new IllegalArgumentException("a template is a YAML mapping, got " + loaded);
        }
        return JSON.valueToTree(loaded);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logical id to resource, for the resources of one type. */
    static Map<String, JsonNode> resources(JsonNode template, String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        template.path("Resources").properties().forEach(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    /** A function property, or the Globals.Function one when the function does not set it. */
    static JsonNode functionProperty(JsonNode template, JsonNode function, String name) {
        JsonNode own = function.path("Properties").path(name);
        return own.isMissingNode() ? template.path("Globals").path("Function").path(name) : own;
    }

    /**
     * The logical ids (resources or parameters) a node names through Ref, Fn::GetAtt or Fn::Sub, anywhere
     * inside it; pseudo parameters (AWS::...) and an Fn::Sub's own variables are not references.
     */
    static Set<String> references(JsonNode node) {
        Set<String> names = new TreeSet<>();
        collectReferences(node, names);
        return names;
    }

    private static void collectReferences(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            if (node.size() == 1 && node.has("Ref") && node.get("Ref").isTextual()) {
                addName(node.get("Ref").asText(), names);
                return;
            }
            if (node.size() == 1 && node.has("Fn::GetAtt")) {
                JsonNode getAtt = node.get("Fn::GetAtt");
                if (getAtt.isArray() && getAtt.path(0).isTextual()) {
                    addName(getAtt.get(0).asText(), names);
                } else if (getAtt.isTextual()) {
                    addName(getAtt.asText().split("\\.", 2)[0], names);
                }
                return;
            }
            if (node.size() == 1 && node.has("Fn::Sub")) {
                JsonNode sub = node.get("Fn::Sub");
                String text = sub.isArray() ? sub.path(0).asText() : sub.asText();
                Set<String> local = new TreeSet<>();
                if (sub.isArray() && sub.path(1).isObject()) {
                    sub.get(1).fieldNames().forEachRemaining(local::add);
                    collectReferences(sub.get(1), names);
                }
                Matcher variable = SUB_VARIABLE.matcher(text);
                while (variable.find()) {
                    if (!local.contains(variable.group(1))) {
                        addName(variable.group(1), names);
                    }
                }
                return;
            }
            node.elements().forEachRemaining(child -> collectReferences(child, names));
        } else if (node.isArray()) {
            node.forEach(child -> collectReferences(child, names));
        }
    }

    private static void addName(String name, Set<String> names) {
        if (!name.startsWith("AWS::")) {
            names.add(name);
        }
    }

    static JsonNode ref(String name) {
        return fn("Ref", name);
    }

    static JsonNode fn(String name, Object value) {
        return JSON.valueToTree(Map.of(name, value));
    }

    static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }

    /** The node itself, or its items when it is an array (IAM's "one or a list"). */
    static Stream<JsonNode> oneOrMany(JsonNode node) {
        return node.isArray() ? stream(node) : node.isMissingNode() ? Stream.empty() : Stream.of(node);
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> texts.add(item.isTextual() ? item.asText() : item.toString()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            texts.add(node.isTextual() ? node.asText() : node.toString());
        }
        return texts;
    }
}

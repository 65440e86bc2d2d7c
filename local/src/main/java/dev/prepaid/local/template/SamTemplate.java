package dev.prepaid.local.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A SAM template as read from YAML: its sections, with the short-form tags in their long form. */
public final class SamTemplate {
    static final Set<String> API_TYPES = Set.of("AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api",
            "AWS::Serverless::Api", "AWS::ApiGateway::RestApi");
    /** The APIs SAM creates by itself for events without an ApiId. */
    static final Set<String> IMPLICIT_APIS = Set.of("ServerlessHttpApi", "ServerlessRestApi");

    private final Path file;
    private final Map<String, Object> root;

    private SamTemplate(Path file, Map<String, Object> root) {
        this.file = file;
        this.root = root;
    }

    public static SamTemplate read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static SamTemplate parse(String yaml) {
        return parse(null, yaml);
    }

    @SuppressWarnings("unchecked")
    private static SamTemplate parse(Path file, String yaml) {
        Object loaded = CloudFormationYaml.load(yaml);
        if (!(loaded instanceof Map)) {
            throw new IllegalArgumentException("a template is a YAML mapping" + (file == null ? "" : ": " + file));
        }
        return new SamTemplate(file, (Map<String, Object>) loaded);
    }

    /** Where it was read from, or null. */
    public Path file() {
        return file;
    }

    public Map<String, Object> root() {
        return Collections.unmodifiableMap(root);
    }

    public Map<String, Map<String, Object>> parameters() {
        return mapsOf(root.get("Parameters"));
    }

    public Map<String, Object> conditions() {
        return mapOf(root.get("Conditions"));
    }

    public Map<String, Object> mappings() {
        return mapOf(root.get("Mappings"));
    }

    /** Logical id to resource (Type, Properties, Condition, ...), in template order. */
    public Map<String, Map<String, Object>> resources() {
        return mapsOf(root.get("Resources"));
    }

    /** The resources of one type, in template order. */
    public Map<String, Map<String, Object>> resources(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources().forEach((id, resource) -> {
            if (type.equals(resource.get("Type"))) {
                found.put(id, resource);
            }
        });
        return found;
    }

    public String type(String logicalId) {
        Map<String, Object> resource = resources().get(logicalId);
        return resource == null ? null : String.valueOf(resource.get("Type"));
    }

    /** {@code Globals.<section>} ({@code Function}, {@code HttpApi}, ...), or empty. */
    public Map<String, Object> globals(String section) {
        return mapOf(path(root, "Globals", section));
    }

    public boolean isApi(String logicalId) {
        String type = type(logicalId);
        return type != null && API_TYPES.contains(type) || isImplicitApi(logicalId);
    }

    public boolean isImplicitApi(String logicalId) {
        return IMPLICIT_APIS.contains(logicalId) && !resources().containsKey(logicalId);
    }

    /** The value at {@code keys} down nested maps, or null. */
    public static Object path(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> mapOf(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> mapsOf(Object value) {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(String.valueOf(k), v instanceof Map ? (Map<String, Object>) v : Map.of()));
        }
        return result;
    }
}

package dev.prepaid.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds and reads the repository's template.yaml; shared by the deployment tests. */
final class Templates {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = "shared/schemas/sam.schema.json";

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

    /** The official SAM schema, beside the repository: the first {@value #SCHEMA} up from the working directory. */
    static Optional<Path> samSchema() {
        for (Path dir = cwd(); dir != null; dir = dir.getParent()) {
            Path schema = dir.resolve(SCHEMA);
            if (Files.isRegularFile(schema)) {
                return Optional.of(schema);
            }
        }
        return Optional.empty();
    }

    static Path cwd() {
        return Path.of("").toAbsolutePath().normalize();
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

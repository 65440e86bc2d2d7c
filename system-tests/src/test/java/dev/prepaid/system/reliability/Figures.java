package dev.prepaid.system.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The figures of each check (operations run, faults injected, bad inputs tried, violations found):
 * printed, and merged into {@code target/reliability.json} under the check's name, so the file holds the
 * latest figures of every check that ran.
 */
final class Figures {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final Path FILE = Path.of("target", "reliability.json");

    private Figures() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Prints {@code figures} and stores them as {@code check} in target/reliability.json. */
    static synchronized void publish(String check, ObjectNode figures) {
        figures.put("mode", Reliability.mode());
        figures.put("seed", Reliability.seed());
        figures.put("at", Instant.now().toString());
        try {
            ObjectNode all;
            if (Files.exists(FILE)) {
                JsonNode existing = MAPPER.readTree(FILE.toFile());
                all = existing != null && existing.isObject() ? (ObjectNode) existing : MAPPER.createObjectNode();
            } else {
                all = MAPPER.createObjectNode();
            }
            all.set(check, figures);
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            String text = MAPPER.writeValueAsString(all);
            Files.writeString(FILE, text + "\n");
            System.out.println("reliability " + check + ": " + MAPPER.writeValueAsString(figures));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE.toAbsolutePath(), e);
        }
    }
}

package dev.prepaid.testing.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Stripe's own sample objects and real webhook envelopes from {@code ../shared/fixtures/stripe} (beside
 * the project checkout): {@code fixtures3.json} holds a sample of every API resource under
 * {@code resources}; {@code events/*.json} are webhook envelopes (api_version 2020-03-02). Found by
 * walking up from the working directory; the system property {@code prepaid.stripe.fixtures} overrides.
 * Tests that need them check {@link #available()} and skip otherwise.
 */
public final class StripeFixtures {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RELATIVE = "shared/fixtures/stripe";
    private static volatile JsonNode resources;

    private StripeFixtures() {
    }

    /** The fixtures folder, if there is one above the working directory. */
    public static Optional<Path> dir() {
        String override = System.getProperty("prepaid.stripe.fixtures");
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override).toAbsolutePath();
            return Files.isRegularFile(path.resolve("fixtures3.json")) ? Optional.of(path) : Optional.empty();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isRegularFile(candidate.resolve("fixtures3.json"))) {
                return Optional.of(candidate);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    public static boolean available() {
        return dir().isPresent();
    }

    /** Why tests skip: for {@code Assumptions.assumeTrue(available(), whyUnavailable())}. */
    public static String whyUnavailable() {
        return "no " + RELATIVE + "/fixtures3.json above " + Path.of("").toAbsolutePath()
                + " (the ../shared folder beside the checkout); Stripe fixture tests skipped";
    }

    /** A fresh copy of Stripe's sample object for a resource: {@code checkout.session}, {@code invoice}, ... */
    public static ObjectNode object(String resource) {
        JsonNode node = resources().get(resource);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("fixtures3.json has no resource " + resource);
        }
        return ((ObjectNode) node).deepCopy();
    }

    /** A webhook envelope from {@code events/<file>.json} ({@code .json} optional), as a fresh copy. */
    public static ObjectNode event(String file) {
        String name = file.endsWith(".json") ? file : file + ".json";
        JsonNode node = read(require().resolve("events").resolve(name));
        if (!node.isObject()) {
            throw new IllegalArgumentException("events/" + name + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    private static JsonNode resources() {
        JsonNode local = resources;
        if (local == null) {
            synchronized (StripeFixtures.class) {
                if (resources == null) {
                    resources = read(require().resolve("fixtures3.json")).path("resources");
                }
                local = resources;
            }
        }
        return local;
    }

    private static Path require() {
        return dir().orElseThrow(() -> new IllegalStateException(whyUnavailable()));
    }

    private static JsonNode read(Path path) {
        try {
            return MAPPER.readTree(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}

package dev.prepaid.testing.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Stripe's own sample objects and real webhook envelopes, kept in this module's resources
 * ({@code dev/prepaid/testing/stripe/}, licences in the NOTICE.md there): {@code fixtures3.json} holds a
 * sample of every API resource under {@code resources}; {@code events/*.json} are webhook envelopes
 * (api_version 2020-03-02). Read from the classpath, so every test has them, in any checkout.
 */
public final class StripeFixtures {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Where the fixtures are on the classpath. */
    static final String FOLDER = "/dev/prepaid/testing/stripe/";
    private static volatile JsonNode resources;

    private StripeFixtures() {
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
        JsonNode node = read("events/" + name);
        if (!node.isObject()) {
            throw new IllegalArgumentException("events/" + name + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    /** A webhook envelope from {@code events/<file>.json} ({@code .json} optional), byte for byte as stored. */
    public static String eventText(String file) {
        String name = "events/" + (file.endsWith(".json") ? file : file + ".json");
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FOLDER + name, e);
        }
    }

    private static JsonNode resources() {
        JsonNode local = resources;
        if (local == null) {
            synchronized (StripeFixtures.class) {
                if (resources == null) {
                    resources = read("fixtures3.json").path("resources");
                }
                local = resources;
            }
        }
        return local;
    }

    private static JsonNode read(String file) {
        try (InputStream in = open(file)) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FOLDER + file, e);
        }
    }

    private static InputStream open(String file) {
        InputStream in = StripeFixtures.class.getResourceAsStream(FOLDER + file);
        if (in == null) {
            throw new IllegalArgumentException("no Stripe fixture " + FOLDER + file + " on the classpath");
        }
        return in;
    }
}

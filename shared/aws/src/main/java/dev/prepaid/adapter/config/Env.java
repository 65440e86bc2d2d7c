package dev.prepaid.adapter.config;

import java.util.Map;

/** Reads configuration from the environment once, at init, and fails there with the variable's name. */
public final class Env {
    private final Map<String, String> values;

    public Env(Map<String, String> values) {
        this.values = values;
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public String required(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("missing required environment variable " + name);
        }
        return value;
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    public String optional(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

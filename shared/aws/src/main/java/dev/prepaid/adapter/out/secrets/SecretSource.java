package dev.prepaid.adapter.out.secrets;

import java.util.Map;

/**
 * Where a secret's current values come from: one read of the whole secret, a map of names to values
 * (e.g. {@code STRIPE_SECRET_KEY}). Secrets Manager on AWS; the environment locally and in tests.
 */
@FunctionalInterface
public interface SecretSource {
    Map<String, String> read();

    /** The secret laid in the environment (local runner, tests): the named variables that are set. */
    static SecretSource ofEnvironment(Map<String, String> env, java.util.Collection<String> names) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                values.put(name, value);
            }
        }
        Map<String, String> fixed = Map.copyOf(values);
        return () -> fixed;
    }
}

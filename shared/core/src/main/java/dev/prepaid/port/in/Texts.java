package dev.prepaid.port.in;

import dev.prepaid.domain.ValidationException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Bounds on the free text a caller may attach to a ledger entry. */
final class Texts {
    static final int MAX_DESCRIPTION = 500;
    static final int MAX_METADATA_ENTRIES = 20;
    static final int MAX_METADATA_KEY = 64;
    static final int MAX_METADATA_VALUE = 500;

    private Texts() {
    }

    static String optional(String value, String field, int max) {
        if (value == null) {
            return null;
        }
        return check(value, field, max);
    }

    static String required(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw new ValidationException("invalid_" + field, field + " is required");
        }
        return check(value, field, max);
    }

    private static String check(String value, String field, int max) {
        if (value.length() > max) {
            throw new ValidationException("invalid_" + field, field + " is longer than " + max);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                throw new ValidationException("invalid_" + field, field + " contains control characters");
            }
        }
        return value;
    }

    static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw new ValidationException("invalid_metadata", "metadata has more than " + MAX_METADATA_ENTRIES + " entries");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        metadata.forEach((key, value) -> {
            if (key == null || value == null) {
                throw new ValidationException("invalid_metadata", "metadata may not hold null keys or values");
            }
            if (key.isEmpty() || key.length() > MAX_METADATA_KEY || key.startsWith("_")) {
                throw new ValidationException("invalid_metadata",
                        "metadata keys are 1 to " + MAX_METADATA_KEY + " characters and may not start with '_'");
            }
            copy.put(check(key, "metadata", MAX_METADATA_KEY), check(value, "metadata", MAX_METADATA_VALUE));
        });
        // Read-only: a validated command must not be changed afterwards (e.g. given a reserved '_' key).
        return Collections.unmodifiableMap(copy);
    }
}

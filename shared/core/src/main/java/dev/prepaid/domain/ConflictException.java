package dev.prepaid.domain;

import java.util.Map;

/**
 * The request is valid but the state it meets forbids it (a second plan while one is active, a change to
 * the plan one is already on): 409, with {@code details} (names and values safe to show) in the body.
 */
public final class ConflictException extends DomainException {
    private final Map<String, String> details;

    public ConflictException(String code, String message, Map<String, String> details) {
        super(code, message);
        this.details = Map.copyOf(details);
    }

    public Map<String, String> details() {
        return details;
    }
}

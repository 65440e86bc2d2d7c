package dev.prepaid.domain;

/** A request the domain refuses as malformed: maps to 400 with its code. */
public final class ValidationException extends DomainException {
    public ValidationException(String code, String message) {
        super(code, message);
    }
}

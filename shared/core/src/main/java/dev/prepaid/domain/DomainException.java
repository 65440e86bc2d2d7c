package dev.prepaid.domain;

/**
 * A decision of the domain that the caller must see: every subclass carries a stable machine code
 * ({@code insufficient_credits}, ...) and a human message that never contains secrets or personal data.
 */
public abstract class DomainException extends RuntimeException {
    private final String code;

    protected DomainException(String code, String message) {
        this(code, message, null);
    }

    /** With the underlying failure kept for logs (never shown to a caller). */
    protected DomainException(String code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

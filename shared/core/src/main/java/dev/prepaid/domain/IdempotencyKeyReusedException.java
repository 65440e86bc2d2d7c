package dev.prepaid.domain;

/** The idempotency key was already used for an operation with different parameters. */
public final class IdempotencyKeyReusedException extends DomainException {
    public IdempotencyKeyReusedException(String entryId) {
        super("idempotency_key_reused",
                "the idempotency key was already used with different parameters (" + entryId + ")");
    }
}

package dev.prepaid.domain.payment;

import dev.prepaid.domain.DomainException;

/** The payment provider failed or timed out: 502 to the user, and safe to retry. */
public final class ProviderUnavailableException extends DomainException {
    public ProviderUnavailableException(String message, Throwable cause) {
        super("provider_unavailable", message, cause);
    }
}

package dev.prepaid.domain.payment;

import dev.prepaid.domain.DomainException;

/** A webhook whose signature does not verify (forged, altered, too old, wrong secret): 400, nothing stored. */
public final class InvalidSignatureException extends DomainException {
    public InvalidSignatureException(String message) {
        super("invalid_signature", message);
    }
}

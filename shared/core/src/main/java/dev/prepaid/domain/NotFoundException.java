package dev.prepaid.domain;

/** The named thing does not exist, or is not the caller's to see (both answer 404). */
public final class NotFoundException extends DomainException {
    public NotFoundException(String code, String message) {
        super(code, message);
    }
}

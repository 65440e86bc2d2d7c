package dev.prepaid.domain;

/** The balance kept changing under us for longer than the retry budget: safe to retry later. */
public final class ContentionException extends DomainException {
    public ContentionException(String message) {
        super("contention", message);
    }
}

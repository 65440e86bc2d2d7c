package dev.prepaid.domain.payment;

import dev.prepaid.domain.DomainException;

/**
 * A provider event that another delivery claimed and has not put on the queue yet. That delivery may
 * still fail (or its process die) before it does, so this one is not acknowledged: the provider must
 * deliver it again, after {@link #retryAfterSeconds()}, when the claim is either accepted or lapsed.
 */
public final class EventInFlightException extends DomainException {
    private final long retryAfterSeconds;

    public EventInFlightException(String eventId, long retryAfterSeconds) {
        super("event_in_flight", "event " + eventId + " is being accepted by another delivery; retry later");
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

package dev.prepaid.port.out;

import java.time.Duration;
import java.util.Objects;

/**
 * Remembers which provider events were accepted, so a redelivered webhook is acknowledged without
 * being queued again. A claim is a short lease: if enqueueing fails the claim is released (or lapses),
 * so the provider's retry is not swallowed. Exactly-once does not rest on this: the ledger keys do.
 */
public interface WebhookInbox {

    /** What a claim found. */
    record Claim(State state, Duration retryAfter) {
        public enum State {
            /** Ours now (new, or a lapsed lease taken over): enqueue, then mark it accepted. */
            CLAIMED,
            /** Already on the queue: a duplicate delivery, acknowledge it. */
            ACCEPTED,
            /**
             * Another delivery holds an unexpired lease and has not enqueued yet: it may still die before
             * it does, so this delivery must not be acknowledged; the provider retries after {@code retryAfter}.
             */
            IN_FLIGHT
        }

        public Claim {
            Objects.requireNonNull(state, "state");
            retryAfter = retryAfter == null || retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        }

        public static final Claim CLAIMED = new Claim(State.CLAIMED, Duration.ZERO);
        public static final Claim ACCEPTED = new Claim(State.ACCEPTED, Duration.ZERO);

        public static Claim inFlight(Duration retryAfter) {
            return new Claim(State.IN_FLIGHT, retryAfter);
        }
    }

    /**
     * Claims an event for enqueueing: {@code CLAIMED} when it is new or its earlier claim's lease lapsed,
     * {@code ACCEPTED} when it was already queued, {@code IN_FLIGHT} when another delivery holds the lease.
     */
    Claim claim(String provider, String eventId, String type);

    /** The event is on the queue: keep the record (it expires after the retention period). */
    void accepted(String provider, String eventId);

    /** Enqueueing failed: forget the claim so the provider's retry goes through. */
    void release(String provider, String eventId);
}

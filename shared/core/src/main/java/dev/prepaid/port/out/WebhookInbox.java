package dev.prepaid.port.out;

/**
 * Remembers which provider events were accepted, so a redelivered webhook is acknowledged without
 * being queued again. A claim is a short lease: if enqueueing fails the claim is released (or lapses),
 * so the provider's retry is not swallowed. Exactly-once does not rest on this: the ledger keys do.
 */
public interface WebhookInbox {

    /** Claims an event for enqueueing; false when it was already accepted or is being accepted now. */
    boolean claim(String provider, String eventId, String type);

    /** The event is on the queue: keep the record (it expires after the retention period). */
    void accepted(String provider, String eventId);

    /** Enqueueing failed: forget the claim so the provider's retry goes through. */
    void release(String provider, String eventId);
}

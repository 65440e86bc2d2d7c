package dev.prepaid.port.out;

/**
 * The fulfilment queue's dead-letter queue: events that failed five receives wait here for a person (or
 * for their precondition to hold). Reconciliation reports its depth; an operator moves them back.
 */
public interface DeadLetterQueue {

    /** Messages in the DLQ now (visible and in flight; SQS's numbers are approximate). */
    int depth();

    /**
     * Moves up to {@code max} messages back to the main queue (body and message attributes kept), deleting
     * each from the DLQ only once the main queue has accepted it. Returns how many were moved.
     */
    int redrive(int max);
}

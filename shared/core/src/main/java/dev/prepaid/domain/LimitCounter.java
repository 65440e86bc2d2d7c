package dev.prepaid.domain;

/**
 * A running total that a posting adds to and that may never pass its limit: the credits refunded
 * against one deduction, or clawed back against one order. The store updates it in the same
 * transaction as the balance, under a condition, so two concurrent refunds can't both fit.
 *
 * @param counterId  deterministic id, e.g. {@code refunded#usage#<key>}
 * @param add        how much this posting adds (positive)
 * @param limit      the most the total may ever reach
 * @param limitCode  the error code when the limit would be passed
 */
public record LimitCounter(String counterId, Credits add, Credits limit, String limitCode) {

    /** A single addition that alone passes the limit is refused here; the store's condition covers the sum. */
    public LimitCounter {
        if (limit.isLessThan(add)) {
            throw new LimitExceededException(limitCode, "adding " + add + " would pass the limit of " + limit,
                    limit, Credits.ZERO);
        }
    }
}

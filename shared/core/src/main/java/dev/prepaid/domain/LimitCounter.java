package dev.prepaid.domain;

/**
 * A running total that a posting adds to and that may never pass its limit: the credits refunded
 * against one deduction, or clawed back against one order. The store updates it in the same
 * transaction as the balance, under a condition, so two concurrent refunds can't both fit.
 *
 * <p>A <em>release</em> ({@link #release}, a negative {@code add}) lowers the total instead: a won dispute
 * gives back what its claw-back counted, so that a later refund of the same payment may take it again.
 * The store lowers it under the condition that the total holds at least that much (it never goes below
 * zero) and leaves the stored limit as it is; a release's {@code limit} is not used.
 *
 * @param counterId  deterministic id, e.g. {@code refunded#usage#<key>}
 * @param add        how much this posting adds (positive), or takes off the total (negative: a release)
 * @param limit      the most the total may ever reach (unused by a release)
 * @param limitCode  the error code when the limit would be passed (or, for a release, the total is too small)
 * @param moneyAdd   money (minor units) this posting adds to the counter's running money total (negative: a
 *                   release); 0 when the counter tracks no money. The claw-back counter keeps the refunded
 *                   amount of its payment here, so each refund's share is computed from the running total.
 * @param moneyExpected when set, the posting applies only if the counter's money total is still this value (0:
 *                   also when absent); the store throws {@link ContentionException} otherwise, and the caller
 *                   re-reads and recomputes. Unused by a release.
 */
public record LimitCounter(String counterId, Credits add, Credits limit, String limitCode, long moneyAdd,
                           Long moneyExpected) {

    /** A single addition that alone passes the limit is refused here; the store's condition covers the sum. */
    public LimitCounter {
        if (!add.isNegative() && moneyAdd >= 0 && limit.isLessThan(add)) {
            throw new LimitExceededException(limitCode, "adding " + add + " would pass the limit of " + limit,
                    limit, Credits.ZERO);
        }
        if ((add.isNegative() && moneyAdd > 0) || (add.isPositive() && moneyAdd < 0)) {
            throw new IllegalArgumentException("a counter posting either adds or releases");
        }
    }

    /** A counter of credits only. */
    public LimitCounter(String counterId, Credits add, Credits limit, String limitCode) {
        this(counterId, add, limit, limitCode, 0, null);
    }

    /** Lowers counter {@code counterId} by {@code amount} (positive), never below zero. */
    public static LimitCounter release(String counterId, Credits amount, String code) {
        if (!amount.isPositive()) {
            throw new IllegalArgumentException("a release must lower the total by a positive amount");
        }
        return new LimitCounter(counterId, amount.negate(), Credits.ZERO, code);
    }

    /**
     * Lowers counter {@code counterId} by {@code amount} credits and {@code money} minor units (both >= 0, one
     * positive), neither below zero.
     */
    public static LimitCounter release(String counterId, Credits amount, long money, String code) {
        if (amount.isNegative() || money < 0 || (!amount.isPositive() && money == 0)) {
            throw new IllegalArgumentException("a release must lower the totals by a positive amount");
        }
        return new LimitCounter(counterId, amount.negate(), Credits.ZERO, code, -money, null);
    }

    /** True when this posting lowers the total rather than adds to it. */
    public boolean isRelease() {
        return add.isNegative() || moneyAdd < 0;
    }
}

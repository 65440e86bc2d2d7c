package dev.prepaid.domain;

/**
 * What a change may do to a balance. The store enforces it under a condition on the balance version,
 * so the rule is decided here and cannot be raced.
 */
public enum BalanceRule {
    /** Debits: the balance must cover the amount. A negative balance (a debt) covers nothing. */
    REQUIRE_FUNDS,
    /** Credits, manual adjustments and clawbacks under {@code allow_negative}: applied as they are. */
    ALLOW_NEGATIVE,
    /** Clawbacks under {@code floor_zero}: take at most what is left, never below zero. */
    FLOOR_ZERO;

    /**
     * The amount actually applied to {@code before}. Throws when a debit is not covered.
     */
    public Credits effectiveAmount(Credits before, Credits requested) {
        return switch (this) {
            case ALLOW_NEGATIVE -> requested;
            case REQUIRE_FUNDS -> {
                if (requested.isNegative() && before.plus(requested).isNegative()) {
                    throw new InsufficientCreditsException(before, requested.negate());
                }
                yield requested;
            }
            case FLOOR_ZERO -> {
                if (!requested.isNegative()) {
                    yield requested;
                }
                Credits available = before.isNegative() ? Credits.ZERO : before;
                yield requested.negate().min(available).negate();
            }
        };
    }
}

package dev.prepaid.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An exact amount of credits, stored as integer hundredths.
 *
 * <p>Prices in the catalog go down to 0.01 (storage per GB-month) and 0.5 (audio per 30 s), so two
 * decimal places are exact for every price we sell; floating point is never used for money.
 * A {@code Credits} may be negative: ledger entries are signed and a clawback can leave a debt.
 */
public record Credits(long hundredths) implements Comparable<Credits> {

    /** The largest magnitude a single request may name: one billion credits. */
    public static final Credits MAX_AMOUNT = new Credits(1_000_000_000L * 100);
    public static final Credits ZERO = new Credits(0);

    public static Credits ofHundredths(long hundredths) {
        return new Credits(hundredths);
    }

    public static Credits of(long whole) {
        return new Credits(Math.multiplyExact(whole, 100L));
    }

    /**
     * Parses an amount with at most two decimal places and a magnitude of at most {@link #MAX_AMOUNT}.
     * Zero and the sign are left to the caller (a grant may be negative, a deduct may not).
     */
    public static Credits parse(BigDecimal value, String field) {
        if (value == null) {
            throw new ValidationException("invalid_amount", field + " is required");
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > 2) {
            throw new ValidationException("invalid_amount", field + " has more than 2 decimal places");
        }
        if (stripped.abs().compareTo(MAX_AMOUNT.toBigDecimal()) > 0) {
            throw new ValidationException("invalid_amount", field + " exceeds 1000000000");
        }
        return new Credits(stripped.movePointRight(2).longValueExact());
    }

    /** A strictly positive amount (deducts, refunds, purchases). */
    public static Credits parsePositive(BigDecimal value, String field) {
        Credits credits = parse(value, field);
        if (credits.hundredths <= 0) {
            throw new ValidationException("invalid_amount", field + " must be greater than 0");
        }
        return credits;
    }

    /** Rounds a computed price up to the next hundredth: a price is never under-charged. */
    public static Credits ceilingOf(BigDecimal value) {
        return new Credits(value.setScale(2, RoundingMode.CEILING).movePointRight(2).longValueExact());
    }

    public Credits plus(Credits other) {
        return new Credits(Math.addExact(hundredths, other.hundredths));
    }

    public Credits minus(Credits other) {
        return new Credits(Math.subtractExact(hundredths, other.hundredths));
    }

    public Credits negate() {
        return new Credits(Math.negateExact(hundredths));
    }

    public Credits min(Credits other) {
        return compareTo(other) <= 0 ? this : other;
    }

    public boolean isNegative() {
        return hundredths < 0;
    }

    public boolean isPositive() {
        return hundredths > 0;
    }

    public boolean isZero() {
        return hundredths == 0;
    }

    public boolean isLessThan(Credits other) {
        return hundredths < other.hundredths;
    }

    /** The amount with no trailing zeros and never in exponent form: 20, 0.5, -3.25 (not 2E+1). */
    public BigDecimal toBigDecimal() {
        BigDecimal stripped = BigDecimal.valueOf(hundredths, 2).stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    @Override
    public int compareTo(Credits other) {
        return Long.compare(hundredths, other.hundredths);
    }

    @Override
    public String toString() {
        return toBigDecimal().toPlainString();
    }
}

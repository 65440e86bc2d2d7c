package dev.prepaid.domain.payment;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a hosted checkout stays open: the provider's checkout expires {@code lifetime} after the order was
 * created ({@link #expiresAt}), and reconciliation counts a still-open checkout as <em>awaiting</em> the buyer,
 * not stuck, until {@link #GRACE} after that ({@link #stuckAfter}).
 *
 * <p>Whole minutes from {@value #MIN_MINUTES} to {@value #MAX_MINUTES}: Stripe accepts a checkout's
 * {@code expires_at} from 30 minutes to 24 hours after the session's creation, and 35 leaves room for the time
 * between the order's creation and the checkout's. The expiry is computed from the order's creation, never from
 * "now", so a retried create-order sends the provider identical parameters under the same idempotency key.
 */
public record CheckoutLifetime(Duration duration) {
    public static final long MIN_MINUTES = 35;
    public static final long MAX_MINUTES = 1440;
    public static final long DEFAULT_MINUTES = 60;
    /** How long after its expiry an open checkout is still not "stuck" (the provider's own expiry lags). */
    public static final Duration GRACE = Duration.ofMinutes(5);
    public static final CheckoutLifetime DEFAULT = ofMinutes(DEFAULT_MINUTES);

    public CheckoutLifetime {
        Objects.requireNonNull(duration, "duration");
        if (duration.toSecondsPart() != 0 || duration.toNanosPart() != 0
                || duration.toMinutes() < MIN_MINUTES || duration.toMinutes() > MAX_MINUTES) {
            throw new IllegalArgumentException(rule());
        }
    }

    public static CheckoutLifetime ofMinutes(long minutes) {
        if (minutes < MIN_MINUTES || minutes > MAX_MINUTES) {
            throw new IllegalArgumentException(rule() + ", not " + minutes);
        }
        return new CheckoutLifetime(Duration.ofMinutes(minutes));
    }

    /**
     * A configured value: whole minutes as text. Throws {@link IllegalArgumentException} with a message that
     * says what is accepted (the caller adds where the value came from).
     */
    public static CheckoutLifetime parseMinutes(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.length() > 9 || !trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(rule() + ", not '" + abbreviate(trimmed) + "'");
        }
        return ofMinutes(Long.parseLong(trimmed));
    }

    /** What is accepted, for messages. */
    public static String rule() {
        return "must be a whole number of minutes from " + MIN_MINUTES + " to " + MAX_MINUTES
                + " (Stripe accepts a checkout expiry from 30 minutes to 24 hours after its creation)";
    }

    public long minutes() {
        return duration.toMinutes();
    }

    /** When the checkout of an order created at {@code orderCreatedAt} expires. */
    public Instant expiresAt(Instant orderCreatedAt) {
        return Objects.requireNonNull(orderCreatedAt, "orderCreatedAt").plus(duration);
    }

    /** From this instant on, an order whose checkout is still open is stuck rather than awaiting its buyer. */
    public Instant stuckAfter(Instant orderCreatedAt) {
        return expiresAt(orderCreatedAt).plus(GRACE);
    }

    /** A pending order with an open checkout is still awaiting its buyer at {@code now}. */
    public boolean awaiting(Instant orderCreatedAt, Instant now) {
        return now.isBefore(stuckAfter(orderCreatedAt));
    }

    private static String abbreviate(String text) {
        return text.length() <= 20 ? text : text.substring(0, 20) + "...";
    }
}

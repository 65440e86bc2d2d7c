package dev.prepaid.domain.topup;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One user's auto top-up: the opt-in ({@code productId}, {@code threshold}, the provider customer whose default
 * card is charged) and its state. Every change is a compare-and-set on {@code version}, so two triggers racing
 * for the same user cannot both start a charge: one in flight per user.
 *
 * @param state               {@link State#IDLE} or {@link State#CHARGING} (an attempt is between its start and
 *                            its outcome)
 * @param attemptId           the current (or last) attempt; its order id and the provider idempotency key derive
 *                            from it
 * @param lastTriggerId       the trigger (outbox event id) that started the last attempt: a redelivered trigger is
 *                            not a second one
 * @param nextAllowedAt       the cooldown: no attempt starts before it
 * @param month               the UTC month {@code monthCount} counts attempts of ({@code yyyy-MM})
 * @param consecutiveFailures failed attempts since the last success; at the policy's maximum the opt-in is
 *                            disabled
 */
public record AutoTopup(UserId userId, String productId, Credits threshold, String provider, String customerRef,
                        boolean enabled, State state, String attemptId, Instant attemptStartedAt, String lastTriggerId,
                        Instant nextAllowedAt, String month, int monthCount, int consecutiveFailures,
                        String lastResult, String lastFailureCode, String disabledReason, long version,
                        Instant updatedAt) {

    public enum State {
        IDLE, CHARGING;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AutoTopup {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(state, "state");
    }

    /** A new opt-in (or a changed one: the counters of the month and the cooldown carry over). */
    public static AutoTopup optIn(UserId user, String productId, Credits threshold, String provider, String customerRef,
                                  AutoTopup previous, Instant now) {
        if (previous == null) {
            return new AutoTopup(user, productId, threshold, provider, customerRef, true, State.IDLE, null, null, null,
                    null, monthOf(now), 0, 0, null, null, null, 0, now);
        }
        return new AutoTopup(user, productId, threshold, provider, customerRef, true, previous.state,
                previous.attemptId, previous.attemptStartedAt, previous.lastTriggerId, previous.nextAllowedAt,
                previous.month, previous.monthCount, 0, previous.lastResult, previous.lastFailureCode, null,
                previous.version, now);
    }

    public static String monthOf(Instant at) {
        return YearMonth.from(at.atOffset(ZoneOffset.UTC)).toString();
    }

    /** Attempts started in {@code at}'s month. */
    public int attemptsIn(Instant at) {
        return monthOf(at).equals(month) ? monthCount : 0;
    }

    /** The attempt started, counted in its month, the cooldown running from now. */
    public AutoTopup charging(String attempt, String triggerId, Instant now, Instant cooldownUntil) {
        String thisMonth = monthOf(now);
        int count = thisMonth.equals(month) ? monthCount + 1 : 1;
        return new AutoTopup(userId, productId, threshold, provider, customerRef, enabled, State.CHARGING, attempt, now,
                triggerId, cooldownUntil, thisMonth, count, consecutiveFailures, lastResult, lastFailureCode,
                disabledReason, version, now);
    }

    /** The attempt's payment went through (its credits come with the provider's webhook). */
    public AutoTopup succeeded(String result, Instant now) {
        return new AutoTopup(userId, productId, threshold, provider, customerRef, enabled, State.IDLE, attemptId,
                attemptStartedAt, lastTriggerId, nextAllowedAt, month, monthCount, 0, result, null, disabledReason,
                version, now);
    }

    /** The attempt failed; at {@code maxFailures} consecutive failures the opt-in is disabled. */
    public AutoTopup failed(String code, int maxFailures, Instant now) {
        int failures = consecutiveFailures + 1;
        boolean disable = failures >= maxFailures;
        return new AutoTopup(userId, productId, threshold, provider, customerRef, enabled && !disable, State.IDLE,
                attemptId, attemptStartedAt, lastTriggerId, nextAllowedAt, month, monthCount, failures, "failed", code,
                disable ? "too_many_failures" : disabledReason, version, now);
    }

    public AutoTopup withVersion(long next) {
        return new AutoTopup(userId, productId, threshold, provider, customerRef, enabled, state, attemptId,
                attemptStartedAt, lastTriggerId, nextAllowedAt, month, monthCount, consecutiveFailures, lastResult,
                lastFailureCode, disabledReason, next, updatedAt);
    }
}

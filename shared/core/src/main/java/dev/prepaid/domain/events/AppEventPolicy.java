package dev.prepaid.domain.events;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingEffect;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which app events a posting produces: decided here, purely, from the posting, the balance it starts from and the
 * entry it writes; the ledger store puts them as outbox items in the posting's own transaction.
 *
 * <ul>
 *   <li>{@code credits.granted}: a purchase, a subscription grant, a positive adjustment, a claw-back reversal;</li>
 *   <li>{@code credits.clawed_back}: a claw-back (even one that took nothing: the app learns of the refund);</li>
 *   <li>{@code credits.low}: the balance goes from {@code >= threshold} to {@code < threshold} (the user's own
 *       threshold, else the stack's default; 0 turns it off). Once per crossing: the next deduct, already below,
 *       starts below and produces nothing;</li>
 *   <li>{@code credits.depleted}: the balance goes from {@code > 0} to {@code <= 0};</li>
 *   <li>{@code order.completed}: the posting completes an order;</li>
 *   <li>{@code subscription.changed}: the posting records the subscription or sets the plan.</li>
 * </ul>
 * A plain deduct that crosses nothing produces no event, so its transaction keeps its two items.
 */
public final class AppEventPolicy {
    /** The default when the stack configures none: 10 credits. */
    public static final Credits DEFAULT_LOW_THRESHOLD = Credits.of(10);

    private final Credits defaultLowThreshold;

    public AppEventPolicy(Credits defaultLowThreshold) {
        if (defaultLowThreshold == null || defaultLowThreshold.isNegative()) {
            throw new IllegalArgumentException("the low-credits threshold must be zero (off) or positive");
        }
        this.defaultLowThreshold = defaultLowThreshold;
    }

    public static AppEventPolicy defaults() {
        return new AppEventPolicy(DEFAULT_LOW_THRESHOLD);
    }

    public Credits defaultLowThreshold() {
        return defaultLowThreshold;
    }

    /** The threshold that applies to {@code balance}: its own, else the default. */
    public Credits lowThreshold(Balance balance) {
        return balance.lowThreshold() != null ? balance.lowThreshold() : defaultLowThreshold;
    }

    public List<AppEvent> eventsOf(Posting posting, Balance before, LedgerEntry entry) {
        List<AppEvent> events = new ArrayList<>(2);
        UserId user = posting.userId();
        Credits from = before.credits();
        Credits to = entry.balanceAfter();
        EntryType type = entry.type();
        boolean grant = switch (type) {
            case PURCHASE, SUBSCRIPTION_GRANT, CLAWBACK_REVERSAL -> true;
            case ADJUSTMENT -> entry.amount().isPositive();
            default -> false;
        };
        if (grant) {
            Map<String, Object> data = ledgerData(entry);
            data.put("amount", entry.amount().toBigDecimal());
            add(events, entry, AppEventType.CREDITS_GRANTED, data);
        }
        if (type == EntryType.CLAWBACK) {
            Map<String, Object> data = ledgerData(entry);
            data.put("amount", entry.amount().negate().toBigDecimal());
            add(events, entry, AppEventType.CREDITS_CLAWED_BACK, data);
        }
        Credits threshold = lowThreshold(before);
        if (threshold.isPositive() && from.compareTo(threshold) >= 0 && to.isLessThan(threshold)) {
            Map<String, Object> data = ledgerData(entry);
            data.put("threshold", threshold.toBigDecimal());
            add(events, entry, AppEventType.CREDITS_LOW, data);
        }
        if (from.isPositive() && !to.isPositive()) {
            add(events, entry, AppEventType.CREDITS_DEPLETED, ledgerData(entry));
        }
        String plan = null;
        Subscription subscription = null;
        for (PostingEffect effect : posting.effects()) {
            if (effect instanceof PostingEffect.CompleteOrder complete) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("userId", user.value());
                data.put("orderId", complete.orderId());
                data.put("entryId", entry.entryId());
                data.put("credits", entry.amount().toBigDecimal());
                putIfPresent(data, "productId", entry.metadata().get("productId"));
                putIfPresent(data, "subscriptionId", complete.subscriptionId());
                data.put("completedAt", complete.at().toString());
                add(events, entry, AppEventType.ORDER_COMPLETED, data);
            } else if (effect instanceof PostingEffect.RecordSubscription record) {
                subscription = record.subscription();
            } else if (effect instanceof PostingEffect.SetPlan setPlan) {
                plan = setPlan.productId();
            }
        }
        if (subscription != null || plan != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("userId", user.value());
            data.put("entryId", entry.entryId());
            if (subscription != null) {
                data.put("subscriptionId", subscription.subscriptionId());
                data.put("provider", subscription.provider());
                putIfPresent(data, "productId", subscription.productId());
                putIfPresent(data, "status", subscription.status());
                if (subscription.currentPeriodEnd() != null) {
                    data.put("currentPeriodEnd", subscription.currentPeriodEnd().toString());
                }
                data.put("cancelAtPeriodEnd", subscription.cancelAtPeriodEnd());
            }
            putIfPresent(data, "plan", plan);
            add(events, entry, AppEventType.SUBSCRIPTION_CHANGED, data);
        }
        return events;
    }

    /**
     * A {@code credits.expired} event for a lot that expired: the type is part of the app's contract now; the
     * producer (an expiry posting) comes with credit lots. {@code sourceId} is the expiry posting's entry id.
     */
    public static AppEvent expired(UserId user, String sourceId, Credits expired, Credits balanceAfter, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", user.value());
        data.put("entryId", sourceId);
        data.put("amount", expired.toBigDecimal());
        data.put("balance", balanceAfter.toBigDecimal());
        return new AppEvent(AppEvent.idFor(sourceId, AppEventType.CREDITS_EXPIRED), AppEventType.CREDITS_EXPIRED, user,
                sourceId, at, data);
    }

    private static Map<String, Object> ledgerData(LedgerEntry entry) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", entry.userId().value());
        data.put("entryId", entry.entryId());
        data.put("entryType", entry.type().wireName());
        data.put("balance", entry.balanceAfter().toBigDecimal());
        data.put("sequence", entry.sequence());
        return data;
    }

    private static void add(List<AppEvent> events, LedgerEntry entry, AppEventType type, Map<String, Object> data) {
        events.add(new AppEvent(AppEvent.idFor(entry.entryId(), type), type, entry.userId(), entry.entryId(),
                entry.createdAt(), data));
    }

    private static void putIfPresent(Map<String, Object> data, String key, String value) {
        if (value != null) {
            data.put(key, value);
        }
    }
}

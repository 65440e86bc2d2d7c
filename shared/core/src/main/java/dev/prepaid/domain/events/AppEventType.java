package dev.prepaid.domain.events;

/** The events prepaid sends to the app's registered webhook endpoints (docs/app-webhooks.md). */
public enum AppEventType {
    /** Credits were added: a purchase, a subscription period, a positive adjustment, a won dispute's restore. */
    CREDITS_GRANTED("credits.granted"),
    /** A posting took the balance from at or above the low threshold to below it (once per crossing). */
    CREDITS_LOW("credits.low"),
    /** A posting took a positive balance to zero or below. */
    CREDITS_DEPLETED("credits.depleted"),
    /** Credits were taken back after a payment refund or dispute. */
    CREDITS_CLAWED_BACK("credits.clawed_back"),
    /** Credits of a lot expired. Defined for the app's contract; produced once credit lots (with expiry) exist. */
    CREDITS_EXPIRED("credits.expired"),
    /** A paid order completed (its credits landed in the same transaction). */
    ORDER_COMPLETED("order.completed"),
    /** The user's subscription record or plan changed with a posting (first period, renewal, plan change). */
    SUBSCRIPTION_CHANGED("subscription.changed"),
    /** An auto top-up attempt failed (declined card, authentication required): docs/auto-topup.md. */
    AUTO_TOPUP_FAILED("auto_topup.failed"),
    /** Auto top-up was turned off after too many consecutive failures. */
    AUTO_TOPUP_DISABLED("auto_topup.disabled");

    private final String wireName;

    AppEventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The type of {@code wireName}, or null when it names none. */
    public static AppEventType fromWireName(String wireName) {
        for (AppEventType type : values()) {
            if (type.wireName.equals(wireName)) {
                return type;
            }
        }
        return null;
    }
}

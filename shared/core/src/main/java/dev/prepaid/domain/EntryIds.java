package dev.prepaid.domain;

/**
 * The one place where ledger entry ids are derived. Each id is a pure function of what identifies the
 * operation, never of time or randomness, so a retry, a duplicate webhook or a racing callback lands on
 * the same item and the store's {@code attribute_not_exists} condition turns it into a replay.
 */
public final class EntryIds {
    private EntryIds() {
    }

    public static String usage(IdempotencyKey key) {
        return "usage#" + key.value();
    }

    /**
     * A refund of a deduction; without a key there is one refund per deduction, whose key segment is empty: a key
     * has at least one character, so no client key can land on it (the old keyless segment, {@code -}, is a valid
     * key; see {@link #legacyKeylessUsageRefund}).
     */
    public static String usageRefund(String deductionId, IdempotencyKey refundKey) {
        return "usage_refund#" + deductionId + "#" + (refundKey == null ? "" : refundKey.value());
    }

    /**
     * Where a keyless refund was stored before its segment became empty. Still read, so that retrying a keyless
     * refund recorded then replays it instead of refunding again; never written.
     */
    public static String legacyKeylessUsageRefund(String deductionId) {
        return "usage_refund#" + deductionId + "#-";
    }

    public static String refundedCounter(String deductionId) {
        return "refunded#" + deductionId;
    }

    public static String adjustment(IdempotencyKey key) {
        return "adjustment#" + key.value();
    }

    public static String purchase(String orderId) {
        return "purchase#" + orderId;
    }

    /** A subscription period's credits, keyed by the provider's invoice (or transaction) id. */
    public static String subscriptionGrant(String provider, String invoiceRef) {
        return "subscription_grant#" + provider + ":" + invoiceRef;
    }

    /**
     * The credits an upgrade grants: once per subscription, paid period (its end, epoch seconds, as our record
     * had it when the change was made) and target plan, whichever of the change-plan route and the provider's
     * subscription event posts first. Upgrading to the same plan twice in one period grants once.
     */
    public static String planChangeGrant(String provider, String subscriptionId, long periodEndEpochSecond,
                                         String targetProductId) {
        return "subscription_grant#" + provider + ":plan_change:" + subscriptionId + ":" + periodEndEpochSecond + ":"
                + targetProductId;
    }

    /** Credits taken back for one refund or one dispute. */
    public static String clawback(String provider, String refundOrDisputeRef) {
        return "clawback#" + provider + ":" + refundOrDisputeRef;
    }

    public static String clawbackReversal(String provider, String disputeRef) {
        return "clawback_reversal#" + provider + ":" + disputeRef;
    }

    /** The running total clawed back against one credited entry: never more than it granted. */
    public static String clawedCounter(String creditedEntryId) {
        return "clawed#" + creditedEntryId;
    }

    public static boolean isUsage(String entryId) {
        return entryId != null && entryId.startsWith("usage#");
    }
}

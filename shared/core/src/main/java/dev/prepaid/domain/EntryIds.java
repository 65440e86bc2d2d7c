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

    /** A refund of a deduction; without a key there is one refund per deduction. */
    public static String usageRefund(String deductionId, IdempotencyKey refundKey) {
        return "usage_refund#" + deductionId + "#" + (refundKey == null ? "-" : refundKey.value());
    }

    public static String refundedCounter(String deductionId) {
        return "refunded#" + deductionId;
    }

    public static String adjustment(IdempotencyKey key) {
        return "adjustment#" + key.value();
    }

    public static boolean isUsage(String entryId) {
        return entryId != null && entryId.startsWith("usage#");
    }
}

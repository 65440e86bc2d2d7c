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

    /**
     * A hold's id: {@code hold_} and the first 22 base64url characters of SHA-256({@code hold#<key>}) (132 bits).
     * A pure function of the key, safe in a URL path (keys may hold {@code /} or {@code ?}), and short: it is
     * repeated in the hold's keys and in its capture's entry id.
     */
    public static String hold(IdempotencyKey key) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("hold#" + key.value()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "hold_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code value} has the shape of a hold id (what the capture and release routes accept). */
    public static boolean isHoldId(String value) {
        return value != null && value.matches("hold_[A-Za-z0-9_-]{22}");
    }

    /**
     * The usage entry a hold's capture posts: {@code usage#<holdId>#capture}. A key has no {@code #}, so no
     * deduct ({@code usage#<key>}) can name it; it is a usage entry, refundable like a deduct.
     */
    public static String holdCapture(String holdId) {
        return "usage#" + holdId + "#capture";
    }
}

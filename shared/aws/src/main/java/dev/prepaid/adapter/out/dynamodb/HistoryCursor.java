package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.s;

import dev.prepaid.domain.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The opaque position in a user's history. It carries only the index, the sort key and the entry id;
 * the partition (the user) is always taken from the verified caller, so a cursor can never read
 * another user's entries, and a tampered one is a 400, not a DynamoDB error.
 */
final class HistoryCursor {
    private static final String VERSION = "c1";
    /** The history index's sort key: the zero-padded sequence ({@link LedgerTable#sequenceKey}). */
    private static final Pattern SEQUENCE_SK = Pattern.compile("[0-9]{20}");
    /** The type index's sort key: the fixed-width timestamp, '#', the zero-padded sequence. */
    private static final Pattern TYPE_SK =
            Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z#[0-9]{20}");

    private HistoryCursor() {
    }

    static String encode(String index, Map<String, AttributeValue> lastKey, String skName) {
        String raw = String.join("\n", VERSION, index, lastKey.get(skName).s(), lastKey.get(LedgerTable.PK).s());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, AttributeValue> decode(String cursor, String index, String pkName, String pk, String skName) {
        String raw;
        try {
            if (cursor.length() > 2048) {
                throw new IllegalArgumentException("too long");
            }
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        String[] parts = raw.split("\n", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0]) || !index.equals(parts[1])
                || !sortKeyPattern(index).matcher(parts[2]).matches()
                || !parts[3].startsWith("ENTRY#") || parts[3].length() == "ENTRY#".length()) {
            // A sort key of another shape (or over DynamoDB's 1024-byte limit) would reach the query as a
            // starting key DynamoDB may reject: a 500 for what is the caller's mistake.
            throw invalid();
        }
        Map<String, AttributeValue> key = new HashMap<>();
        key.put(LedgerTable.PK, s(parts[3]));
        key.put(LedgerTable.SK, s(LedgerTable.ENTRY_SK));
        key.put(pkName, s(pk));
        key.put(skName, s(parts[2]));
        return key;
    }

    private static Pattern sortKeyPattern(String index) {
        return LedgerTable.GSI1.equals(index) ? SEQUENCE_SK : TYPE_SK;
    }

    private static ValidationException invalid() {
        return new ValidationException("invalid_cursor", "cursor is not one this API returned for this query");
    }
}

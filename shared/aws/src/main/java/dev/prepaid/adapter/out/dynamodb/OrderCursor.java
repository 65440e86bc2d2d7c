package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.s;

import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The opaque position in a user's order list. It names the user and the status filter it was issued for
 * and the last order's sort key. Decoding re-checks the owner: a cursor of another user (or of another
 * filter) is a 400 {@code invalid_cursor}, and the query's partition is always built from the verified
 * caller, never from the cursor, so no cursor, forged or not, can reach another user's orders.
 */
final class OrderCursor {
    private static final String VERSION = "o1";
    private static final String ANY_STATUS = "*";
    /** {@link PaymentItems#ordersSk}: the fixed-width creation timestamp, '#', the order id. */
    private static final Pattern ORDERS_SK =
            Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z#(ord_[a-z0-9]{24})");

    private OrderCursor() {
    }

    static String encode(String userId, Optional<OrderStatus> status, Map<String, AttributeValue> lastKey) {
        String raw = String.join("\n", VERSION, userId, status.map(OrderStatus::wireName).orElse(ANY_STATUS),
                lastKey.get(LedgerTable.GSI2_SK).s());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The query's starting key, with the caller's own partition. */
    static Map<String, AttributeValue> decode(String cursor, String userId, Optional<OrderStatus> status) {
        String raw;
        try {
            if (cursor.length() > 1024) {
                throw new IllegalArgumentException("too long");
            }
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        String[] parts = raw.split("\n", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0]) || !userId.equals(parts[1])
                || !status.map(OrderStatus::wireName).orElse(ANY_STATUS).equals(parts[2])) {
            throw invalid();
        }
        var sk = ORDERS_SK.matcher(parts[3]);
        if (!sk.matches()) {
            throw invalid();
        }
        Map<String, AttributeValue> key = new HashMap<>(PaymentItems.orderKey(sk.group(1)));
        key.put(LedgerTable.GSI2_PK, s(LedgerTable.ordersPk(userId)));
        key.put(LedgerTable.GSI2_SK, s(parts[3]));
        return key;
    }

    private static ValidationException invalid() {
        return new ValidationException("invalid_cursor", "cursor is not one this API returned for this query");
    }
}

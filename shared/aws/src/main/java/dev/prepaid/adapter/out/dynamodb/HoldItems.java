package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.num;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;
import static dev.prepaid.adapter.out.dynamodb.Attr.str;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.Hold;
import dev.prepaid.domain.HoldStatus;
import dev.prepaid.domain.UserId;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps holds to items and back. {@code holdUntil} (N, epoch ms) is the hold's expiry, compared in the
 * transitions' conditions; it is not the table's TTL attribute ({@code expiresAt}): a hold is kept after it ends
 * so a retry replays. While active the hold sits in GSI2 ({@code USER#<u>#HOLDS}) and GSI4 ({@code HELD#<shard>}),
 * both sorted by expiry; a transition removes those keys.
 */
final class HoldItems {
    static final String STATUS = "status";
    static final String UNTIL = "holdUntil";

    private HoldItems() {
    }

    static Map<String, AttributeValue> key(String holdId) {
        return Map.of(LedgerTable.PK, s(LedgerTable.holdPk(holdId)), LedgerTable.SK, s(LedgerTable.HOLD_SK));
    }

    static String expirySortKey(Hold hold) {
        return LedgerTable.timestamp(hold.expiresAt()) + "#" + hold.holdId();
    }

    static Map<String, AttributeValue> toItem(Hold hold) {
        Map<String, AttributeValue> item = new HashMap<>(key(hold.holdId()));
        item.put("holdId", s(hold.holdId()));
        item.put("userId", s(hold.userId().value()));
        item.put("amount", n(hold.amount().hundredths()));
        item.put(STATUS, s(hold.status().wireName()));
        item.put("fingerprint", s(hold.fingerprint()));
        item.put("createdAt", s(LedgerTable.timestamp(hold.createdAt())));
        item.put(UNTIL, n(hold.expiresAt().toEpochMilli()));
        put(item, "idempotencyKey", hold.idempotencyKey());
        put(item, "operation", hold.operation());
        put(item, "description", hold.description());
        if (hold.status() == HoldStatus.ACTIVE) {
            item.put(LedgerTable.GSI2_PK, s(LedgerTable.holdsPk(hold.userId().value())));
            item.put(LedgerTable.GSI2_SK, s(expirySortKey(hold)));
            item.put(LedgerTable.GSI4_PK, s(LedgerTable.heldPk(hold.holdId())));
            item.put(LedgerTable.GSI4_SK, s(expirySortKey(hold)));
        }
        return item;
    }

    static Hold fromItem(Map<String, AttributeValue> item) {
        String settledAt = str(item, "settledAt");
        return new Hold(
                str(item, "holdId"),
                new UserId(str(item, "userId")),
                Credits.ofHundredths(num(item, "amount")),
                HoldStatus.fromWireName(str(item, STATUS)),
                str(item, "idempotencyKey"),
                str(item, "fingerprint"),
                str(item, "operation"),
                str(item, "description"),
                Instant.parse(str(item, "createdAt")),
                Instant.ofEpochMilli(num(item, UNTIL)),
                item.containsKey("capturedAmount") ? Credits.ofHundredths(num(item, "capturedAmount")) : null,
                str(item, "entryId"),
                settledAt == null ? null : Instant.parse(settledAt));
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }
}

package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.num;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;
import static dev.prepaid.adapter.out.dynamodb.Attr.str;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps ledger entries and balances to items and back. */
final class EntryItems {
    /** The balance item's sum of active holds (N, hundredths); absent until the user's first hold. */
    static final String HELD = "held";

    private EntryItems() {
    }

    static Map<String, AttributeValue> entryKey(String entryId) {
        return Map.of(LedgerTable.PK, s(LedgerTable.entryPk(entryId)), LedgerTable.SK, s(LedgerTable.ENTRY_SK));
    }

    static Map<String, AttributeValue> balanceKey(UserId userId) {
        return Map.of(LedgerTable.PK, s(LedgerTable.userPk(userId.value())), LedgerTable.SK, s(LedgerTable.BALANCE_SK));
    }

    static Map<String, AttributeValue> counterKey(String counterId) {
        return Map.of(LedgerTable.PK, s(LedgerTable.counterPk(counterId)), LedgerTable.SK, s(LedgerTable.COUNTER_SK));
    }

    static Map<String, AttributeValue> toItem(LedgerEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>(entryKey(entry.entryId()));
        String user = entry.userId().value();
        String createdAt = LedgerTable.timestamp(entry.createdAt());
        String sequence = LedgerTable.sequenceKey(entry.sequence());
        item.put(LedgerTable.GSI1_PK, s(LedgerTable.historyPk(user)));
        item.put(LedgerTable.GSI1_SK, s(sequence));
        item.put(LedgerTable.GSI2_PK, s(LedgerTable.typePk(user, entry.type().wireName())));
        item.put(LedgerTable.GSI2_SK, s(createdAt + "#" + sequence));
        item.put("entryId", s(entry.entryId()));
        item.put("userId", s(user));
        item.put("type", s(entry.type().wireName()));
        item.put("amount", n(entry.amount().hundredths()));
        item.put("balanceAfter", n(entry.balanceAfter().hundredths()));
        item.put("seq", n(entry.sequence()));
        item.put("createdAt", s(createdAt));
        item.put("fingerprint", s(entry.fingerprint()));
        putIfPresent(item, "idempotencyKey", entry.idempotencyKey());
        putIfPresent(item, "description", entry.description());
        putIfPresent(item, "operation", entry.operation());
        if (!entry.metadata().isEmpty()) {
            Map<String, AttributeValue> metadata = new HashMap<>();
            entry.metadata().forEach((k, v) -> metadata.put(k, s(v)));
            item.put("metadata", AttributeValue.fromM(metadata));
        }
        return item;
    }

    static LedgerEntry fromItem(Map<String, AttributeValue> item) {
        Map<String, String> metadata = new LinkedHashMap<>();
        AttributeValue m = item.get("metadata");
        if (m != null && m.hasM()) {
            m.m().forEach((k, v) -> metadata.put(k, v.s()));
        }
        return new LedgerEntry(
                str(item, "entryId"),
                new UserId(str(item, "userId")),
                EntryType.fromWireName(str(item, "type")),
                Credits.ofHundredths(num(item, "amount")),
                Credits.ofHundredths(num(item, "balanceAfter")),
                num(item, "seq"),
                str(item, "idempotencyKey"),
                str(item, "description"),
                str(item, "operation"),
                metadata,
                Instant.parse(str(item, "createdAt")),
                str(item, "fingerprint"));
    }

    static Balance balanceFromItem(UserId userId, Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return Balance.empty(userId);
        }
        String updatedAt = str(item, "updatedAt");
        Credits lowThreshold = item.containsKey(LOW_THRESHOLD) ? Credits.ofHundredths(num(item, LOW_THRESHOLD)) : null;
        return new Balance(userId, Credits.ofHundredths(item.containsKey("balance") ? num(item, "balance") : 0),
                item.containsKey("seq") ? num(item, "seq") : 0,
                updatedAt == null ? null : Instant.parse(updatedAt),
                Credits.ofHundredths(item.containsKey(HELD) ? num(item, HELD) : 0), lowThreshold);
    }

    /** The user's own low-credits threshold (N, hundredths) on the balance item; absent: the stack's default. */
    static final String LOW_THRESHOLD = "lowThreshold";

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }
}

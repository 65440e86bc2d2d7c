package dev.prepaid.adapter.in.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.domain.LedgerEntry;
import java.time.format.DateTimeFormatter;

/** How ledger entries look on the wire: one mapping for every route that shows them. */
public final class LedgerJson {
    private LedgerJson() {
    }

    public static ObjectNode entry(LedgerEntry entry) {
        ObjectNode node = Json.object();
        node.put("entryId", entry.entryId());
        node.put("type", entry.type().wireName());
        node.put("amount", entry.amount().toBigDecimal());
        node.put("balanceAfter", entry.balanceAfter().toBigDecimal());
        node.put("sequence", entry.sequence());
        if (entry.operation() != null) {
            node.put("operation", entry.operation());
        }
        if (entry.description() != null) {
            node.put("description", entry.description());
        }
        ObjectNode metadata = node.putObject("metadata");
        entry.metadata().forEach((k, v) -> {
            if (!k.startsWith("_")) {
                metadata.put(k, v);
            }
        });
        node.put("createdAt", DateTimeFormatter.ISO_INSTANT.format(entry.createdAt()));
        return node;
    }
}

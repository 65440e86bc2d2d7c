package dev.prepaid.domain;

import java.util.List;
import java.util.Optional;

/** A page of ledger entries, newest first, and the opaque cursor of the next page if there is one. */
public record HistoryPage(List<LedgerEntry> items, Optional<String> nextCursor) {
    public HistoryPage {
        items = List.copyOf(items);
    }
}

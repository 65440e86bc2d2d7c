package dev.prepaid.port.in;

import dev.prepaid.domain.LedgerEntry;

public record GrantResult(LedgerEntry entry, boolean replayed) {
}

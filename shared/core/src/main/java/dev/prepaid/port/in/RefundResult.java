package dev.prepaid.port.in;

import dev.prepaid.domain.LedgerEntry;

public record RefundResult(LedgerEntry entry, String deductionId, boolean replayed) {
}

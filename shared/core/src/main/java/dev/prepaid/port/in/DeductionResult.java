package dev.prepaid.port.in;

import dev.prepaid.domain.LedgerEntry;

/**
 * @param priceBreakdown how the catalog arrived at the amount, or null for a fixed amount
 */
public record DeductionResult(LedgerEntry entry, boolean replayed, String priceBreakdown) {
}

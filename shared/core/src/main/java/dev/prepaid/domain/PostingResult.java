package dev.prepaid.domain;

/**
 * The entry a posting wrote, or, on a retry, the entry the first attempt wrote ({@code replayed}).
 */
public record PostingResult(LedgerEntry entry, boolean replayed) {
}

package dev.prepaid.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostingTest {
    private static final UserId USER = new UserId("user-1");
    private static final Instant AT = Instant.parse("2024-05-01T10:15:30Z");
    private static final Instant BEFORE = Instant.parse("2024-04-30T00:00:00Z");

    private static Posting posting(long hundredths, BalanceRule rule) {
        return new Posting(USER, "usage#k1", EntryType.USAGE, Credits.ofHundredths(hundredths), rule, "k1", "fp",
                "desc", "image", Map.of("job", "42"), AT, Optional.empty());
    }

    @ParameterizedTest(name = "{2}: balance {0} (seq {1}) + {3} -> applied {4}, after {5}, seq {6}")
    @CsvSource({
            "1000, 7, REQUIRE_FUNDS,  -300,  -300,  700,  8",
            "0,    0, ALLOW_NEGATIVE, 500,   500,   500,  1",
            "400,  3, FLOOR_ZERO,     -1000, -400,  0,    4",
            "-200, 9, FLOOR_ZERO,     -100,  0,     -200, 10",
            "100,  1, ALLOW_NEGATIVE, -300,  -300,  -200, 2",
    })
    void entryAfterAppliesTheRuleAndAdvancesTheSequence(long before, long sequence, BalanceRule rule, long requested,
                                                        long applied, long after, long newSequence) {
        LedgerEntry entry = posting(requested, rule)
                .entryAfter(new Balance(USER, Credits.ofHundredths(before), sequence, BEFORE));
        assertEquals(Credits.ofHundredths(applied), entry.amount());
        assertEquals(Credits.ofHundredths(after), entry.balanceAfter());
        assertEquals(newSequence, entry.sequence());
    }

    @Test
    void entryAfterCopiesThePostingsFields() {
        LedgerEntry entry = posting(-300, BalanceRule.REQUIRE_FUNDS).entryAfter(new Balance(USER, Credits.ofHundredths(1000), 0, null));
        assertEquals(new LedgerEntry("usage#k1", USER, EntryType.USAGE, Credits.ofHundredths(-300),
                Credits.ofHundredths(700), 1, "k1", "desc", "image", Map.of("job", "42"), AT, "fp"), entry);
    }

    @Test
    void entryAfterOnAnEmptyBalanceIsSequenceOne() {
        LedgerEntry entry = posting(250, BalanceRule.ALLOW_NEGATIVE).entryAfter(Balance.empty(USER));
        assertEquals(1, entry.sequence());
        assertEquals(Credits.ofHundredths(250), entry.balanceAfter());
    }

    @Test
    void entryAfterThrowsWhenADebitIsNotCovered() {
        Posting debit = posting(-301, BalanceRule.REQUIRE_FUNDS);
        InsufficientCreditsException e = assertThrows(InsufficientCreditsException.class,
                () -> debit.entryAfter(new Balance(USER, Credits.ofHundredths(300), 4, BEFORE)));
        assertEquals(Credits.ofHundredths(300), e.balance());
        assertEquals(Credits.ofHundredths(301), e.required());
    }

    @Test
    void postingNormalisesMetadataAndCounter() {
        Map<String, String> metadata = new HashMap<>(Map.of("a", "1"));
        Posting p = new Posting(USER, "id", EntryType.USAGE, Credits.ZERO, BalanceRule.ALLOW_NEGATIVE, null, "fp",
                null, null, metadata, AT, null);
        metadata.put("b", "2");
        assertEquals(Map.of("a", "1"), p.metadata());
        assertThrows(UnsupportedOperationException.class, () -> p.metadata().put("c", "3"));
        assertEquals(Optional.empty(), p.counter());

        Posting noMetadata = new Posting(USER, "id", EntryType.USAGE, Credits.ZERO, BalanceRule.ALLOW_NEGATIVE, null,
                "fp", null, null, null, AT, Optional.empty());
        assertEquals(Map.of(), noMetadata.metadata());
    }

    @Test
    void postingRequiresItsIdentity() {
        Credits one = Credits.ofHundredths(1);
        BalanceRule r = BalanceRule.ALLOW_NEGATIVE;
        EntryType t = EntryType.USAGE;
        assertThrows(NullPointerException.class, () -> new Posting(null, "id", t, one, r, null, "fp", null, null, null, AT, null));
        assertThrows(NullPointerException.class, () -> new Posting(USER, null, t, one, r, null, "fp", null, null, null, AT, null));
        assertThrows(NullPointerException.class, () -> new Posting(USER, "id", null, one, r, null, "fp", null, null, null, AT, null));
        assertThrows(NullPointerException.class, () -> new Posting(USER, "id", t, null, r, null, "fp", null, null, null, AT, null));
        assertThrows(NullPointerException.class, () -> new Posting(USER, "id", t, one, null, null, "fp", null, null, null, AT, null));
        assertThrows(NullPointerException.class, () -> new Posting(USER, "id", t, one, r, null, null, null, null, null, AT, null));
        assertThrows(NullPointerException.class, () -> new Posting(USER, "id", t, one, r, null, "fp", null, null, null, null, null));
    }

    @Test
    void ledgerEntryCopiesMetadata() {
        Map<String, String> metadata = new HashMap<>(Map.of("a", "1"));
        LedgerEntry entry = new LedgerEntry("id", USER, EntryType.USAGE, Credits.ZERO, Credits.ZERO, 1, null, null,
                null, metadata, AT, null);
        metadata.clear();
        assertEquals(Map.of("a", "1"), entry.metadata());
        assertEquals(Map.of(), new LedgerEntry("id", USER, EntryType.USAGE, Credits.ZERO, Credits.ZERO, 1, null, null,
                null, null, AT, null).metadata());
        assertThrows(NullPointerException.class, () -> new LedgerEntry("id", USER, EntryType.USAGE, Credits.ZERO,
                Credits.ZERO, 1, null, null, null, null, null, null));
    }

    @Test
    void balanceEmptyDoesNotExist() {
        Balance empty = Balance.empty(USER);
        assertEquals(Credits.ZERO, empty.credits());
        assertEquals(0, empty.sequence());
        assertFalse(empty.exists());
        assertTrue(new Balance(USER, Credits.ZERO, 1, AT).exists());
    }

    @Test
    void historyPageCopiesItsItems() {
        java.util.List<LedgerEntry> items = new java.util.ArrayList<>();
        HistoryPage page = new HistoryPage(items, Optional.empty());
        items.add(new LedgerEntry("id", USER, EntryType.USAGE, Credits.ZERO, Credits.ZERO, 1, null, null, null, null,
                AT, null));
        assertTrue(page.items().isEmpty());
    }
}

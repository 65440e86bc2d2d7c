package dev.prepaid.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Holds in the domain: ids, what a debit may use (balance minus held), live and due. */
class HoldRulesTest {
    private static final UserId USER = new UserId("u1");
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

    private static Posting debit(Credits amount, List<PostingEffect> effects) {
        return new Posting(USER, "usage#k", EntryType.USAGE, amount.negate(), BalanceRule.REQUIRE_FUNDS, "k", "fp",
                null, null, Map.of(), NOW, Optional.empty(), effects);
    }

    private static Hold hold(long hundredths, Instant expiresAt) {
        return new Hold(EntryIds.hold(new IdempotencyKey("h1")), USER, Credits.ofHundredths(hundredths), HoldStatus.ACTIVE,
                "h1", "fp", null, null, NOW.minusSeconds(10), expiresAt, null, null, null);
    }

    @Test
    void holdIdsArePureShortAndPathSafe() {
        String id = EntryIds.hold(new IdempotencyKey("a/b?c"));
        assertEquals(id, EntryIds.hold(new IdempotencyKey("a/b?c")));
        assertTrue(EntryIds.isHoldId(id), id);
        assertEquals(27, id.length());
        assertFalse(id.equals(EntryIds.hold(new IdempotencyKey("a/b?d"))));
        assertFalse(EntryIds.isHoldId("hold_../x"));
        assertEquals("usage#" + id + "#capture", EntryIds.holdCapture(id));
        assertTrue(EntryIds.isUsage(EntryIds.holdCapture(id)));
    }

    @Test
    void aDebitMayUseOnlyWhatIsNotHeld() {
        Balance balance = new Balance(USER, Credits.of(100), 3, NOW, Credits.of(30));
        assertEquals(Credits.of(70), balance.available());
        assertEquals(Credits.of(30), debit(Credits.of(70), List.of()).entryAfter(balance).balanceAfter());
        InsufficientCreditsException refused = assertThrows(InsufficientCreditsException.class,
                () -> debit(Credits.of(71), List.of()).entryAfter(balance));
        assertEquals(Credits.of(70), refused.balance(), "the refusal shows what is available");
    }

    @Test
    void aCaptureMayUseItsOwnHoldAndWhatIsAvailable() {
        Hold own = hold(3000, NOW.plusSeconds(60));
        Balance balance = new Balance(USER, Credits.of(100), 3, NOW, Credits.of(50)); // 30 own + 20 other holds
        PostingEffect settle = new PostingEffect.SettleHold(own, HoldStatus.CAPTURED, Credits.of(80), NOW);
        Posting capture = debit(Credits.of(80), List.of(settle));
        assertEquals(Credits.of(30), capture.releasedHeld());
        assertEquals(Credits.of(20), capture.entryAfter(balance).balanceAfter());
        assertThrows(InsufficientCreditsException.class, () -> debit(Credits.of(81), List.of(settle))
                .entryAfter(balance), "the other holds stay covered");
    }

    @Test
    void aHoldIsLiveUntilItsExpiryAndDueFromIt() {
        Hold h = hold(100, NOW);
        assertFalse(h.isLive(NOW));
        assertTrue(h.isDue(NOW));
        assertTrue(h.isLive(NOW.minusMillis(1)));
        assertFalse(h.settled(HoldStatus.RELEASED, null, null, NOW).isDue(NOW.plusSeconds(5)));
    }
}

package dev.prepaid.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.Fingerprint;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.IdempotencyKeyReusedException;
import dev.prepaid.domain.InsufficientCreditsException;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.LimitCounter;
import dev.prepaid.domain.LimitExceededException;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.DeductCreditsCommand;
import dev.prepaid.port.in.DeductionResult;
import dev.prepaid.port.in.GrantCreditsCommand;
import dev.prepaid.port.in.GrantResult;
import dev.prepaid.port.in.RefundResult;
import dev.prepaid.port.in.RefundUsageCommand;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CreditServiceTest {
    private static final UserId USER = new UserId("user-1");
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private InMemoryLedgerStore store;
    private MutableClock clock;
    private CreditService service;

    @BeforeEach
    void setUp() {
        store = new InMemoryLedgerStore();
        clock = new MutableClock(T0);
        service = new CreditService(store, PricingCatalog.defaults(), clock);
    }

    private static Credits c(String value) {
        return Credits.parse(new BigDecimal(value), "test");
    }

    private static IdempotencyKey key(String value) {
        return new IdempotencyKey(value);
    }

    private GrantResult grant(String amount, String key) {
        return service.grant(new GrantCreditsCommand(USER, c(amount), "welcome", key(key), "ops"));
    }

    private static DeductCreditsCommand byAmount(String key, String amount) {
        return new DeductCreditsCommand(USER, c(amount), null, null, key(key), null, null);
    }

    private static DeductCreditsCommand byOperation(String key, String operation, Map<String, Object> params) {
        return new DeductCreditsCommand(USER, null, operation, params, key(key), null, null);
    }

    private Credits balance() {
        return store.balance(USER).orElseThrow().credits();
    }

    // --- deduct -----------------------------------------------------------------------------------------------

    @Test
    void deductByAmount() {
        grant("10", "g1");
        clock.advance(Duration.ofMinutes(1));
        DeductionResult result = service.deduct(new DeductCreditsCommand(USER, c("3"), null, null, key("k1"),
                "summary", Map.of("job", "42")));

        assertFalse(result.replayed());
        assertNull(result.priceBreakdown());
        LedgerEntry entry = result.entry();
        assertEquals("usage#k1", entry.entryId());
        assertEquals(EntryType.USAGE, entry.type());
        assertEquals(USER, entry.userId());
        assertEquals(c("-3"), entry.amount());
        assertEquals(c("7"), entry.balanceAfter());
        assertEquals(2, entry.sequence());
        assertEquals("k1", entry.idempotencyKey());
        assertEquals("summary", entry.description());
        assertNull(entry.operation());
        assertEquals(Map.of("job", "42"), entry.metadata());
        assertEquals(T0.plus(Duration.ofMinutes(1)), entry.createdAt());
        assertEquals(Optional.of(entry), store.entry("usage#k1"));
        assertEquals(c("7"), balance());
        assertEquals(2, store.balance(USER).orElseThrow().sequence());
    }

    static Stream<Arguments> pricedOperations() {
        return Stream.of(
                Arguments.of("image", Map.of("quality", "hd"), "1.5", "1 x 1.5 (quality hd) = 1.5"),
                Arguments.of("image", Map.of(), "1", "1 = 1"),
                Arguments.of("video", Map.of("durationSeconds", new BigDecimal("10")), "10",
                        "5 x 2 (durationSeconds > 5) = 10"),
                Arguments.of("audio", Map.of("durationSeconds", new BigDecimal("31")), "1", "0.5 x 2 units = 1"),
                Arguments.of("storage", Map.of("gb", new BigDecimal("3.5"), "months", BigDecimal.ONE), "0.04",
                        "0.01 x 3.5 units = 0.04"),
                Arguments.of("video_generation", Map.of(), "20", "20 = 20"));
    }

    @ParameterizedTest(name = "{0} {1} deducts {2}")
    @MethodSource("pricedOperations")
    void deductByOperationUsesTheCatalog(String operation, Map<String, Object> params, String price, String breakdown) {
        grant("100", "g1");
        DeductionResult result = service.deduct(new DeductCreditsCommand(USER, null, operation, params, key("k1"),
                null, Map.of("job", "7")));

        assertFalse(result.replayed());
        assertEquals(c(price).negate(), result.entry().amount());
        assertEquals(c("100").minus(c(price)), result.entry().balanceAfter());
        assertEquals(operation, result.entry().operation());
        assertEquals(breakdown, result.priceBreakdown());
        assertEquals(Map.of("job", "7", CreditService.PRICE_METADATA, breakdown), result.entry().metadata());
        assertEquals("_price", CreditService.PRICE_METADATA);
    }

    @Test
    void aRetryReplaysTheSameEntryAndChargesOnce() {
        grant("10", "g1");
        DeductionResult first = service.deduct(byOperation("k1", "image", Map.of("quality", "hd")));
        clock.advance(Duration.ofSeconds(30));
        DeductionResult second = service.deduct(byOperation("k1", "image", Map.of("quality", "hd")));

        assertFalse(first.replayed());
        assertTrue(second.replayed());
        assertEquals(first.entry(), second.entry());
        assertEquals(first.priceBreakdown(), second.priceBreakdown());
        assertEquals(c("8.5"), balance());
        assertEquals(2, store.appliedPostings());
    }

    @Test
    void aRetryByAmountReplays() {
        grant("10", "g1");
        DeductionResult first = service.deduct(byAmount("k1", "3"));
        DeductionResult second = service.deduct(byAmount("k1", "3.00"));
        assertTrue(second.replayed());
        assertEquals(first.entry(), second.entry());
        assertNull(second.priceBreakdown());
        assertEquals(c("7"), balance());
    }

    @Test
    void aRetryNamingTheDefaultOptionExplicitlyIsTheSameRequest() {
        grant("10", "g1");
        service.deduct(byOperation("k1", "image", Map.of()));
        assertTrue(service.deduct(byOperation("k1", "image", Map.of("quality", "standard"))).replayed());
        assertEquals(c("9"), balance());
    }

    @Test
    void aRetryAfterAPriceChangeReplaysThePriceFirstApplied() {
        grant("10", "g1");
        DeductionResult first = service.deduct(byOperation("k1", "image", Map.of("quality", "hd")));
        CreditService repriced = new CreditService(store, PricingCatalog.parse(
                "image.base = 3\nimage.option.quality.standard = 1\nimage.option.quality.hd = 2\n"), clock);

        DeductionResult retry = repriced.deduct(byOperation("k1", "image", Map.of("quality", "hd")));

        assertTrue(retry.replayed());
        assertEquals(c("-1.5"), retry.entry().amount());
        assertEquals("1 x 1.5 (quality hd) = 1.5", retry.priceBreakdown());
        assertEquals(first.entry(), retry.entry());
        assertEquals(c("6"), repriced.deduct(byOperation("k2", "image", Map.of("quality", "hd"))).entry()
                .amount().negate());
    }

    static Stream<Arguments> reusesOfK1() {
        UserId user = USER;
        IdempotencyKey k1 = new IdempotencyKey("k1");
        return Stream.of(
                Arguments.of("another amount", new DeductCreditsCommand(user, c("2"), null, null, k1, null, null)),
                Arguments.of("a description", new DeductCreditsCommand(user, c("1"), null, null, k1, "x", null)),
                Arguments.of("metadata", new DeductCreditsCommand(user, c("1"), null, null, k1, null, Map.of("a", "b"))),
                Arguments.of("an operation instead", new DeductCreditsCommand(user, null, "image", null, k1, null, null)));
    }

    @ParameterizedTest(name = "key reused with {0}")
    @MethodSource("reusesOfK1")
    void reusingAKeyForAnotherRequestIsRefused(String what, DeductCreditsCommand reuse) {
        grant("10", "g1");
        DeductionResult first = service.deduct(byAmount("k1", "1"));

        IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
                () -> service.deduct(reuse));

        assertEquals("idempotency_key_reused", e.code());
        assertEquals(c("9"), balance());
        assertEquals(Optional.of(first.entry()), store.entry("usage#k1"));
    }

    @Test
    void reusingAKeyWithOtherOperationParamsIsRefused() {
        grant("10", "g1");
        service.deduct(byOperation("k1", "image", Map.of("quality", "hd")));
        assertThrows(IdempotencyKeyReusedException.class,
                () -> service.deduct(byOperation("k1", "image", Map.of("quality", "4k"))));
        assertThrows(IdempotencyKeyReusedException.class,
                () -> service.deduct(byOperation("k1", "video_generation", Map.of())));
        assertEquals(c("8.5"), balance());
    }

    @Test
    void insufficientCreditsAreRefusedWithBalanceAndRequired() {
        grant("2", "g1");
        InsufficientCreditsException e = assertThrows(InsufficientCreditsException.class,
                () -> service.deduct(byAmount("k1", "2.01")));
        assertEquals("insufficient_credits", e.code());
        assertEquals(c("2"), e.balance());
        assertEquals(c("2.01"), e.required());
        assertEquals(c("2"), balance());
        assertEquals(Optional.empty(), store.entry("usage#k1"));

        // the same key may then be used once the user has the credits
        assertEquals(c("0"), service.deduct(byAmount("k1", "2")).entry().balanceAfter());
    }

    @Test
    void aUserWithoutBalanceCoversNothing() {
        InsufficientCreditsException e = assertThrows(InsufficientCreditsException.class,
                () -> service.deduct(byOperation("k1", "video_generation", Map.of())));
        assertEquals(Credits.ZERO, e.balance());
        assertEquals(c("20"), e.required());
        assertEquals(Optional.empty(), store.balance(USER));
    }

    @Test
    void aBadOperationIsRefusedBeforeAnythingIsWritten() {
        grant("10", "g1");
        ValidationException unknown = assertThrows(ValidationException.class,
                () -> service.deduct(byOperation("k1", "chat", Map.of())));
        assertEquals("unknown_operation", unknown.code());
        ValidationException badParams = assertThrows(ValidationException.class,
                () -> service.deduct(byOperation("k1", "image", Map.of("quality", "8k"))));
        assertEquals("invalid_params", badParams.code());
        assertEquals(1, store.appliedPostings());
    }

    // --- refund -----------------------------------------------------------------------------------------------

    @Test
    void aFullRefundGivesEverythingBackOnce() {
        grant("10", "g1");
        service.deduct(byOperation("k1", "video", Map.of("durationSeconds", new BigDecimal("6"))));
        clock.advance(Duration.ofHours(1));

        RefundResult refund = service.refund(new RefundUsageCommand("usage#k1", "render failed", null, null));

        assertFalse(refund.replayed());
        assertEquals("usage#k1", refund.deductionId());
        LedgerEntry entry = refund.entry();
        assertEquals("usage_refund#usage#k1#", entry.entryId());
        assertEquals(EntryType.USAGE_REFUND, entry.type());
        assertEquals(USER, entry.userId());
        assertEquals(c("10"), entry.amount());
        assertEquals(c("10"), entry.balanceAfter());
        assertEquals(3, entry.sequence());
        assertEquals("video", entry.operation());
        assertEquals("render failed", entry.description());
        assertEquals("render failed", entry.metadata().get("_reason"));
        assertNull(entry.idempotencyKey());
        assertEquals(T0.plus(Duration.ofHours(1)), entry.createdAt());
        assertEquals(Optional.of(c("10")), store.counter("refunded#usage#k1"));

        RefundResult again = service.refund(new RefundUsageCommand("usage#k1", "render failed", null, null));
        assertTrue(again.replayed());
        assertEquals(entry, again.entry());
        assertEquals(c("10"), balance());
    }

    @Test
    void aRefundKeyedDashAndTheKeylessRefundAreTwoRefunds() {
        grant("10", "g1");
        service.deduct(byAmount("k1", "4"));
        RefundResult dash = service.refund(new RefundUsageCommand("usage#k1", "part", c("1"), key("-")));
        RefundResult keyless = service.refund(new RefundUsageCommand("usage#k1", "rest", c("3"), null));
        assertFalse(dash.replayed());
        assertFalse(keyless.replayed(), "the keyless refund is not the refund keyed '-'");
        assertNotEquals(dash.entry().entryId(), keyless.entry().entryId());
        assertEquals(c("10"), balance());
    }

    @Test
    void aKeylessRefundStoredUnderTheLegacyIdStillReplays() {
        grant("10", "g1");
        LedgerEntry deduction = service.deduct(byAmount("k1", "4")).entry();
        // What the keyless refund of 4 wrote before its segment became empty: usage_refund#usage#k1#-, no key.
        store.post(new Posting(USER, "usage_refund#usage#k1#-", EntryType.USAGE_REFUND, c("4"),
                BalanceRule.ALLOW_NEGATIVE, null, Fingerprint.of("usage_refund", deduction.entryId(), 400L, null),
                "render failed", null, Map.of("_reason", "render failed"), clock.instant(),
                Optional.of(new LimitCounter("refunded#usage#k1", c("4"), c("4"), "refund_exceeds_deduction"))));
        assertEquals(c("10"), balance());

        RefundResult retry = service.refund(new RefundUsageCommand("usage#k1", "render failed", null, null));
        assertTrue(retry.replayed());
        assertEquals("usage_refund#usage#k1#-", retry.entry().entryId());
        assertEquals(c("10"), balance(), "nothing refunded twice");
        assertThrows(IdempotencyKeyReusedException.class,
                () -> service.refund(new RefundUsageCommand("usage#k1", "render failed", c("1"), null)),
                "another keyless refund of the same deduction is the same operation with other parameters");
    }

    @Test
    void aLegacyIdWrittenByTheKeyDashIsNotTheKeylessRefund() {
        grant("10", "g1");
        service.deduct(byAmount("k1", "4"));
        // before the fix, key "-" wrote usage_refund#usage#k1#- too, but with its key recorded
        service.refund(new RefundUsageCommand("usage#k1", "part", c("1"), key("-")));
        RefundResult keyless = service.refund(new RefundUsageCommand("usage#k1", "rest", c("3"), null));
        assertFalse(keyless.replayed());
        assertEquals(c("10"), balance());
    }

    @Test
    void partialRefundsWithKeysAddUpToTheDeductionAndNoFurther() {
        grant("10", "g1");
        service.deduct(byAmount("k1", "3"));

        RefundResult r1 = service.refund(new RefundUsageCommand("usage#k1", "part", c("1"), key("r1")));
        RefundResult r2 = service.refund(new RefundUsageCommand("usage#k1", "part", c("2"), key("r2")));
        assertEquals("usage_refund#usage#k1#r1", r1.entry().entryId());
        assertEquals("r1", r1.entry().idempotencyKey());
        assertEquals(c("8"), r1.entry().balanceAfter());
        assertEquals(c("10"), r2.entry().balanceAfter());

        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> service.refund(new RefundUsageCommand("usage#k1", "part", c("0.01"), key("r3"))));
        assertEquals("refund_exceeds_deduction", e.code());
        assertEquals(c("3"), e.limit());
        assertEquals(c("3"), e.alreadyUsed());
        assertEquals(c("10"), balance());

        // a retry of an applied refund still replays though the counter is full
        assertTrue(service.refund(new RefundUsageCommand("usage#k1", "part", c("2"), key("r2"))).replayed());
    }

    @Test
    void aRefundLargerThanTheDeductionIsRefused() {
        grant("10", "g1");
        service.deduct(byAmount("k1", "3"));
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> service.refund(new RefundUsageCommand("usage#k1", "oops", c("3.01"), null)));
        assertEquals("refund_exceeds_deduction", e.code());
        assertEquals(c("3"), e.limit());
        assertEquals(Credits.ZERO, e.alreadyUsed());
        assertEquals(c("7"), balance());
        assertEquals(Optional.empty(), store.counter("refunded#usage#k1"));
    }

    @Test
    void aKeylessRefundIsOnePerDeduction() {
        grant("10", "g1");
        service.deduct(byAmount("k1", "3"));
        service.refund(new RefundUsageCommand("usage#k1", "part", c("1"), null));
        IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
                () -> service.refund(new RefundUsageCommand("usage#k1", "part", c("2"), null)));
        assertEquals("idempotency_key_reused", e.code());
        assertEquals(c("8"), balance());
    }

    @Test
    void refundingAnUnknownDeductionIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> service.refund(new RefundUsageCommand("usage#nope", "r", null, null)));
        assertEquals("deduction_not_found", e.code());
        assertEquals(0, store.appliedPostings());
    }

    @Test
    void aRefundReachesTheDeductionsOwnerEvenInDebt() {
        grant("3", "g1");
        service.deduct(byAmount("k1", "3"));
        service.grant(new GrantCreditsCommand(USER, c("-5"), "chargeback", key("g2"), "ops"));
        RefundResult refund = service.refund(new RefundUsageCommand("usage#k1", "failed", null, null));
        assertEquals(c("-2"), refund.entry().balanceAfter());
        assertEquals(USER, refund.entry().userId());
    }

    // --- grant ------------------------------------------------------------------------------------------------

    @Test
    void aGrantIsAnAuditedAdjustment() {
        GrantResult result = service.grant(new GrantCreditsCommand(USER, c("25"), "goodwill", key("g1"), "ops@x"));
        LedgerEntry entry = result.entry();
        assertFalse(result.replayed());
        assertEquals("adjustment#g1", entry.entryId());
        assertEquals(EntryType.ADJUSTMENT, entry.type());
        assertEquals(c("25"), entry.amount());
        assertEquals(c("25"), entry.balanceAfter());
        assertEquals(1, entry.sequence());
        assertEquals("goodwill", entry.description());
        assertNull(entry.operation());
        assertEquals(Map.of("_reason", "goodwill", "_actor", "ops@x"), entry.metadata());

        assertTrue(service.grant(new GrantCreditsCommand(USER, c("25"), "goodwill", key("g1"), "ops@x")).replayed());
        assertThrows(IdempotencyKeyReusedException.class,
                () -> service.grant(new GrantCreditsCommand(USER, c("26"), "goodwill", key("g1"), "ops@x")));
        assertThrows(IdempotencyKeyReusedException.class,
                () -> service.grant(new GrantCreditsCommand(USER, c("25"), "other", key("g1"), "ops@x")));
        assertEquals(c("25"), balance());
    }

    @Test
    void aNegativeGrantMakesADebtThatCoversNoDeduction() {
        grant("2", "g1");
        GrantResult debt = service.grant(new GrantCreditsCommand(USER, c("-7"), "dispute lost", key("g2"), "ops"));
        assertEquals(c("-5"), debt.entry().balanceAfter());

        InsufficientCreditsException e = assertThrows(InsufficientCreditsException.class,
                () -> service.deduct(byAmount("k1", "0.01")));
        assertEquals(c("-5"), e.balance());
        assertEquals(c("0.01"), e.required());
        assertEquals(c("-5"), balance());

        grant("6", "g3");
        assertEquals(Credits.ZERO, service.deduct(byAmount("k1", "1")).entry().balanceAfter());
    }
}

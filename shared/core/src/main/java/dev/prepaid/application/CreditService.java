package dev.prepaid.application;

import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.Fingerprint;
import dev.prepaid.domain.IdempotencyKeyReusedException;
import dev.prepaid.domain.InsufficientCreditsException;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.LimitCounter;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.pricing.PriceQuote;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.CreateHoldCommand;
import dev.prepaid.port.in.CreditCommands;
import dev.prepaid.port.in.HoldResult;
import dev.prepaid.port.in.DeductCreditsCommand;
import dev.prepaid.port.in.DeductionResult;
import dev.prepaid.port.in.GrantCreditsCommand;
import dev.prepaid.port.in.GrantResult;
import dev.prepaid.port.in.RefundResult;
import dev.prepaid.port.in.RefundUsageCommand;
import dev.prepaid.port.out.LedgerStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what a deduct, refund or grant does to the ledger and hands the resulting posting to the
 * store, which applies it exactly once.
 */
public final class CreditService implements CreditCommands {
    /** Entry metadata key holding the price breakdown, so a replay shows the price first applied. */
    public static final String PRICE_METADATA = "_price";
    static final String REASON_METADATA = "_reason";
    static final String ACTOR_METADATA = "_actor";

    private final LedgerStore store;
    private final PricingCatalog catalog;
    private final Clock clock;

    public CreditService(LedgerStore store, PricingCatalog catalog, Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
        this.holds = new HoldService(store, catalog, clock);
    }

    private final HoldService holds;

    @Override
    public HoldResult createHold(CreateHoldCommand command) {
        return holds.create(command);
    }

    @Override
    public HoldResult captureHold(String holdId, Credits amount, boolean allowOver) {
        return holds.capture(holdId, amount, allowOver);
    }

    @Override
    public HoldResult releaseHold(String holdId) {
        return holds.release(holdId);
    }

    @Override
    public DeductionResult deduct(DeductCreditsCommand command) {
        Map<String, String> metadata = new LinkedHashMap<>(command.metadata());
        Credits amount;
        String fingerprint;
        if (command.operation() != null) {
            PriceQuote quote = catalog.quote(command.operation(), command.params());
            amount = quote.amount();
            metadata.put(PRICE_METADATA, quote.breakdown());
            // The operation and its params define the request, not today's price: a retry after a
            // catalog change still replays instead of colliding.
            fingerprint = Fingerprint.of("usage", command.userId(), command.operation(), quote.params(),
                    command.description(), command.metadata());
        } else {
            amount = command.amount();
            fingerprint = Fingerprint.of("usage", command.userId(), amount.hundredths(), command.description(),
                    command.metadata());
        }
        Posting posting = new Posting(command.userId(), EntryIds.usage(command.idempotencyKey()), EntryType.USAGE,
                amount.negate(), BalanceRule.REQUIRE_FUNDS, command.idempotencyKey().value(), fingerprint,
                command.description(), command.operation(), metadata, clock.instant(), Optional.empty());
        PostingResult result;
        try {
            result = store.post(posting);
        } catch (InsufficientCreditsException refused) {
            // Refused: an expired hold counts as released, so free the user's expired holds (each once) and
            // try again. Only on this path: a deduct that is covered reads and writes nothing more.
            if (holds.expireDue(command.userId(), clock.instant()) == 0) {
                throw refused;
            }
            result = store.post(posting);
        }
        return new DeductionResult(result.entry(), result.replayed(), result.entry().metadata().get(PRICE_METADATA));
    }

    @Override
    public RefundResult refund(RefundUsageCommand command) {
        LedgerEntry deduction = store.entry(command.deductionId())
                .filter(entry -> entry.type() == EntryType.USAGE)
                .orElseThrow(() -> new NotFoundException("deduction_not_found", "no deduction with that id"));
        Credits deducted = deduction.amount().negate();
        Credits amount = command.amount() == null ? deducted : command.amount();
        String key = command.idempotencyKey() == null ? null : command.idempotencyKey().value();
        String fingerprint = Fingerprint.of("usage_refund", deduction.entryId(), amount.hundredths(), key);
        if (key == null) {
            Optional<LedgerEntry> legacy = legacyKeylessRefund(deduction.entryId());
            if (legacy.isPresent()) {
                if (!legacy.get().fingerprint().equals(fingerprint)) {
                    throw new IdempotencyKeyReusedException(legacy.get().entryId());
                }
                return new RefundResult(legacy.get(), deduction.entryId(), true);
            }
        }
        Posting posting = new Posting(deduction.userId(),
                EntryIds.usageRefund(deduction.entryId(), command.idempotencyKey()), EntryType.USAGE_REFUND, amount,
                BalanceRule.ALLOW_NEGATIVE, key,
                fingerprint,
                command.reason(), deduction.operation(), Map.of(REASON_METADATA, command.reason()), clock.instant(),
                Optional.of(new LimitCounter(EntryIds.refundedCounter(deduction.entryId()), amount, deducted,
                        "refund_exceeds_deduction")));
        PostingResult result = store.post(posting);
        return new RefundResult(result.entry(), deduction.entryId(), result.replayed());
    }

    /**
     * A keyless refund stored under the old id ({@code #-}), which a client's key {@code -} can also have written:
     * only an entry without a key is the keyless refund. One extra read, on keyless refunds only.
     */
    private Optional<LedgerEntry> legacyKeylessRefund(String deductionId) {
        return store.entry(EntryIds.legacyKeylessUsageRefund(deductionId))
                .filter(entry -> entry.type() == EntryType.USAGE_REFUND && entry.idempotencyKey() == null);
    }

    @Override
    public GrantResult grant(GrantCreditsCommand command) {
        Posting posting = new Posting(command.userId(), EntryIds.adjustment(command.idempotencyKey()),
                EntryType.ADJUSTMENT, command.amount(), BalanceRule.ALLOW_NEGATIVE, command.idempotencyKey().value(),
                Fingerprint.of("adjustment", command.userId(), command.amount().hundredths(), command.reason()),
                command.reason(), null, Map.of(REASON_METADATA, command.reason(), ACTOR_METADATA, command.actor()),
                clock.instant(), Optional.empty());
        PostingResult result = store.post(posting);
        return new GrantResult(result.entry(), result.replayed());
    }
}

package dev.prepaid.application;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.ConflictException;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.Fingerprint;
import dev.prepaid.domain.Hold;
import dev.prepaid.domain.HoldMovedException;
import dev.prepaid.domain.HoldStatus;
import dev.prepaid.domain.HoldWrite;
import dev.prepaid.domain.IdempotencyKeyReusedException;
import dev.prepaid.domain.InsufficientCreditsException;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingEffect;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.pricing.PriceQuote;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.CreateHoldCommand;
import dev.prepaid.port.in.HoldResult;
import dev.prepaid.port.out.LedgerStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Holds: credits reserved for a long job, then captured for the actual cost, released, or expired. A hold
 * writes no ledger entry until it is captured (the balance does not move; the balance item's {@code held} does),
 * and leaves {@code active} exactly once: every transition is conditioned on {@code status = active}, so of a
 * capture, a release and an expiry racing for one hold exactly one wins, and the losers answer from what won.
 */
public final class HoldService {
    static final String HOLD_METADATA = "_hold";
    /** Lazy expiry on a refused write looks at this many of the user's active holds at most. */
    static final int LAZY_SWEEP_MAX = 100;

    private final LedgerStore store;
    private final PricingCatalog catalog;
    private final Clock clock;

    public HoldService(LedgerStore store, PricingCatalog catalog, Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
    }

    public HoldResult create(CreateHoldCommand command) {
        Credits amount;
        String fingerprint;
        if (command.operation() != null) {
            PriceQuote quote = catalog.quote(command.operation(), command.params());
            amount = quote.amount();
            fingerprint = Fingerprint.of("hold", command.userId(), command.operation(), quote.params(),
                    command.ttlSeconds(), command.description());
        } else {
            amount = command.amount();
            fingerprint = Fingerprint.of("hold", command.userId(), amount.hundredths(), command.ttlSeconds(),
                    command.description());
        }
        Instant now = clock.instant();
        Hold hold = new Hold(EntryIds.hold(command.idempotencyKey()), command.userId(), amount, HoldStatus.ACTIVE,
                command.idempotencyKey().value(), fingerprint, command.operation(), command.description(), now,
                now.plusSeconds(command.ttlSeconds()), null, null, null);
        HoldWrite written;
        try {
            written = store.createHold(hold);
        } catch (InsufficientCreditsException refused) {
            // an expired hold counts as released: free the user's expired holds (once each) and look again
            if (expireDue(command.userId(), now) == 0) {
                throw refused;
            }
            written = store.createHold(hold);
        }
        return new HoldResult(written.hold(), written.after(), null, written.replayed());
    }

    public HoldResult capture(String holdId, Credits amount, boolean allowOver) {
        if (amount != null && !amount.isPositive()) {
            throw new ValidationException("invalid_amount", "amount must be greater than 0");
        }
        Hold hold = find(holdId);
        for (int attempt = 0; attempt < 3; attempt++) {
            Instant now = clock.instant();
            switch (hold.status()) {
                case CAPTURED -> {
                    // a retry of the capture: the same answer; another amount is a conflict
                    if (amount != null && !amount.equals(hold.capturedAmount())) {
                        throw conflict(hold);
                    }
                    LedgerEntry entry = store.entry(hold.entryId()).orElseThrow();
                    return new HoldResult(hold, null, entry, true);
                }
                case RELEASED, EXPIRED -> throw conflict(hold);
                case ACTIVE -> {
                    if (hold.isDue(now)) {
                        hold = expire(hold, now);
                        continue; // now expired (or whatever won): answered above
                    }
                    Credits cost = amount == null ? hold.amount() : amount;
                    if (hold.amount().isLessThan(cost) && !allowOver) {
                        throw new ValidationException("capture_exceeds_hold", "capture " + cost + " is more than the "
                                + hold.amount() + " held; send allowOver to take the difference from the available balance");
                    }
                    try {
                        return posted(hold, cost, now);
                    } catch (HoldMovedException moved) {
                        hold = moved.current();
                    } catch (IdempotencyKeyReusedException other) {
                        hold = find(holdId); // captured meanwhile with another amount
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        throw conflict(hold);
    }

    private HoldResult posted(Hold hold, Credits cost, Instant now) {
        // A debit like a deduct: the balance minus the holds that stay active must cover it. Within the hold it
        // always does (the hold reserved the credits), unless a claw-back took them meanwhile: then 402 and the hold
        // stays active (release it). Beyond the hold (allowOver) the extra comes from the available balance.
        BalanceRule rule = BalanceRule.REQUIRE_FUNDS;
        Posting posting = new Posting(hold.userId(), EntryIds.holdCapture(hold.holdId()), EntryType.USAGE, cost.negate(),
                rule, hold.idempotencyKey(), Fingerprint.of("capture", hold.holdId(), cost.hundredths()),
                hold.description(), hold.operation(), Map.of(HOLD_METADATA, hold.holdId()), now, Optional.empty(),
                List.of(new PostingEffect.SettleHold(hold, HoldStatus.CAPTURED, cost, now)));
        PostingResult result = store.post(posting);
        LedgerEntry entry = result.entry();
        Hold captured = hold.settled(HoldStatus.CAPTURED, cost, entry.entryId(), now);
        if (result.replayed()) {
            return new HoldResult(find(hold.holdId()), null, entry, true);
        }
        Balance after = new Balance(hold.userId(), entry.balanceAfter(), entry.sequence(), entry.createdAt());
        return new HoldResult(captured, after, entry, false);
    }

    public HoldResult release(String holdId) {
        Hold hold = find(holdId);
        Instant now = clock.instant();
        return switch (hold.status()) {
            case RELEASED, EXPIRED -> new HoldResult(hold, null, null, true); // already free: the same answer
            case CAPTURED -> throw conflict(hold);
            case ACTIVE -> {
                try {
                    // past its time it has released itself: it is marked expired, which is what it answers
                    HoldWrite ended = store.endHold(hold, hold.isDue(now) ? HoldStatus.EXPIRED : HoldStatus.RELEASED, now);
                    yield new HoldResult(ended.hold(), null, null, false);
                } catch (HoldMovedException moved) {
                    if (moved.current().status() == HoldStatus.CAPTURED) {
                        throw conflict(moved.current());
                    }
                    yield new HoldResult(moved.current(), null, null, true);
                }
            }
        };
    }

    /**
     * Marks a user's active holds that are past their time expired (each exactly once: a hold some other writer
     * moved first is skipped) and returns how many this call expired. What a refused write calls before it
     * refuses: an expired hold must not keep credits from the user.
     */
    public int expireDue(UserId userId, Instant now) {
        Optional<Balance> balance = store.balance(userId);
        if (balance.isEmpty() || !balance.get().held().isPositive()) {
            return 0;
        }
        int expired = 0;
        for (Hold hold : store.activeHolds(userId, LAZY_SWEEP_MAX)) {
            if (hold.isDue(now)) {
                try {
                    store.endHold(hold, HoldStatus.EXPIRED, now);
                    expired++;
                } catch (HoldMovedException alreadyMoved) {
                    // captured, released or expired by someone else: nothing to do
                }
            }
        }
        return expired;
    }

    /** Reconciliation's sweep: every hold past its time, expired exactly once. Returns how many this run expired. */
    public int expireAllDue(Instant now, int max) {
        int expired = 0;
        for (Hold hold : store.dueHolds(now, max)) {
            try {
                store.endHold(hold, HoldStatus.EXPIRED, now);
                expired++;
            } catch (HoldMovedException alreadyMoved) {
                // moved meanwhile
            }
        }
        return expired;
    }

    private Hold expire(Hold hold, Instant now) {
        try {
            return store.endHold(hold, HoldStatus.EXPIRED, now).hold();
        } catch (HoldMovedException moved) {
            return moved.current();
        }
    }

    private Hold find(String holdId) {
        if (!EntryIds.isHoldId(holdId)) {
            throw new NotFoundException("hold_not_found", "no hold with that id");
        }
        return store.hold(holdId).orElseThrow(() -> new NotFoundException("hold_not_found", "no hold with that id"));
    }

    private static ConflictException conflict(Hold hold) {
        return new ConflictException("hold_" + hold.status().wireName(), "the hold is " + hold.status().wireName(),
                Map.of("holdId", hold.holdId(), "status", hold.status().wireName()));
    }
}

package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.num;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.Hold;
import dev.prepaid.domain.HoldMovedException;
import dev.prepaid.domain.HoldStatus;
import dev.prepaid.domain.HoldWrite;
import dev.prepaid.domain.ContentionException;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.IdempotencyKeyReusedException;
import dev.prepaid.domain.InsufficientCreditsException;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.LimitCounter;
import dev.prepaid.domain.LimitExceededException;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingEffect;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.events.AppEventPolicy;
import dev.prepaid.port.out.AppEventNotifier;
import dev.prepaid.port.out.LedgerStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The ledger on DynamoDB. Every posting is exactly one {@code TransactWriteItems}:
 * <ol>
 *   <li>the balance item, updated under a condition on its version ({@code seq}), which is what makes
 *       the recorded balance-after exact and the balance rule race-free;</li>
 *   <li>the ledger entry, put under {@code attribute_not_exists}, its key derived from the idempotency
 *       key, so a retry can never write a second entry;</li>
 *   <li>optionally a limit counter, advanced under a condition that it stays within its limit (or, for a
 *       release, lowered under a condition that it stays at or above zero);</li>
 *   <li>the posting's effects, then one outbox item per app event {@link AppEventPolicy} decides the posting
 *       produces (a grant, a claw-back, a threshold crossing, an order completed, a subscription changed), put
 *       under {@code attribute_not_exists} with an id derived from the entry id and the event type. A plain
 *       deduct that crosses nothing has no event and keeps its two items.</li>
 * </ol>
 * After the commit the {@link AppEventNotifier} is told of the events written (best effort: the outbox sweeper
 * finds any it was not told of).
 * The version comes from the instance's {@link BalanceCache}; when it is missing the balance is read
 * first, when it is stale the failed condition hands back the current item (ALL_OLD) and the posting is
 * recomputed. A failed entry condition hands back the first entry: that is the replay, with no extra read.
 */
public final class DynamoLedgerStore implements LedgerStore {
    private static final String CCF = "ConditionalCheckFailed";
    private static final String CONFLICT = "TransactionConflict";
    private static final int BALANCE = 0;
    private static final int ENTRY = 1;
    /** The counter, when a posting has one, follows the entry; effects come after it. */
    private static final int COUNTER = 2;
    /** Losing a race is cheap (the failure returns the fresh item), so allow many before giving up. */
    private static final int MAX_ATTEMPTS = 200;
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * The instants the fixed-width {@code yyyy-MM-dd...} sort keys can hold: outside them (year 0 and
     * before, year 10000 and after) string order is no longer time order and the key condition breaks.
     */
    private static final Instant FIRST_TIMESTAMP = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LAST_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999Z");

    private final DynamoDbClient dynamo;
    private final String table;
    private final BalanceCache cache;
    /**
     * Postings for one user from threads of this instance take turns. In Lambda an instance serves one
     * request at a time and this never waits; in a multi-threaded host (the local runner, tests) it keeps
     * threads that share a cache from racing each other for the same version. Correctness never rests
     * on it: the conditions do that.
     */
    private final ReentrantLock[] userLocks = new ReentrantLock[256];
    private final AppEventPolicy events;
    private final AppEventNotifier notifier;

    public DynamoLedgerStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, 10_000);
    }

    public DynamoLedgerStore(DynamoDbClient dynamo, String table, int cachedUsers) {
        this(dynamo, table, cachedUsers, AppEventPolicy.defaults(), AppEventNotifier.NONE);
    }

    public DynamoLedgerStore(DynamoDbClient dynamo, String table, AppEventPolicy events, AppEventNotifier notifier) {
        this(dynamo, table, 10_000, events, notifier);
    }

    public DynamoLedgerStore(DynamoDbClient dynamo, String table, int cachedUsers, AppEventPolicy events,
                             AppEventNotifier notifier) {
        this.dynamo = dynamo;
        this.table = table;
        this.cache = new BalanceCache(cachedUsers);
        this.events = events;
        this.notifier = notifier;
        for (int i = 0; i < userLocks.length; i++) {
            userLocks[i] = new ReentrantLock();
        }
    }

    @Override
    public PostingResult post(Posting posting) {
        return underUserLock(posting.userId(), () -> postLocked(posting));
    }

    /** One writer per user in this instance at a time (the hot-balance design, docs/data-model.md). */
    private <T> T underUserLock(UserId user, java.util.function.Supplier<T> write) {
        ReentrantLock lock = userLocks[Math.floorMod(user.hashCode(), userLocks.length)];
        try {
            if (!lock.tryLock(MAX_RETRY_NANOS, TimeUnit.NANOSECONDS)) {
                throw new ContentionException("the balance is busy; retry with the same idempotency key");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContentionException("interrupted while waiting for the balance");
        }
        try {
            return write.get();
        } finally {
            lock.unlock();
        }
    }

    private PostingResult postLocked(Posting posting) {
        UserId user = posting.userId();
        BalanceCache.Known state = cache.get(user);
        boolean fresh = false;
        boolean entryAbsent = false;
        long deadline = System.nanoTime() + MAX_RETRY_NANOS;
        /* This posting's place in the user's queue (0: not queued), and whether its turn has come. */
        long ticket = 0;
        boolean myTurn = false;
        int lost = 0;
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS && (System.nanoTime() < deadline || (ticket != 0 && !myTurn)); attempt++) {
                if (ticket != 0 && !myTurn) {
                    BalanceCache.Known turn = awaitTurn(user, ticket, deadline);
                    if (turn == null) { // skipped as stuck (we were too slow): queue again
                        ticket = 0;
                        Map<String, AttributeValue> joined = join(user);
                        ticket = num(joined, ISSUED);
                        state = known(user, joined);
                        myTurn = served(joined) == ticket - 1;
                        fresh = true;
                        entryAbsent = false;
                        continue;
                    }
                    state = turn;
                    myTurn = true;
                    fresh = true;
                    entryAbsent = false;
                }
                if (state == null) {
                    state = readBalance(user);
                    fresh = true;
                    entryAbsent = false;
                }
                LedgerEntry entry;
                try {
                    entry = posting.entryAfter(state.balance());
                } catch (InsufficientCreditsException e) {
                    if (!fresh) {
                        state = null; // the cached balance may be old: look before refusing
                        continue;
                    }
                    if (!entryAbsent) {
                        // A retry of a deduct that already went through must replay, not fail for want of funds.
                        Optional<LedgerEntry> existing = entry(posting.entryId());
                        if (existing.isPresent()) {
                            return replay(posting, existing.get());
                        }
                    }
                    throw e;
                }
                List<AppEvent> produced = events.eventsOf(posting, state.balance(), entry);
                long started = System.nanoTime();
                try {
                    dynamo.transactWriteItems(transaction(posting, state, entry, produced, myTurn ? ticket : 0));
                    cycle.observe(System.nanoTime() - started);
                    ticket = 0; // the posting itself advanced the queue
                    cache.remember(new BalanceCache.Known(new Balance(user, entry.balanceAfter(), entry.sequence(), entry.createdAt(),
                            state.balance().held().minus(posting.releasedHeld()), state.balance().lowThreshold()),
                            LedgerTable.changedPk(entry.createdAt(), user.value())));
                    if (!produced.isEmpty()) {
                        announce(produced);
                    }
                    return new PostingResult(entry, false);
                } catch (TransactionCanceledException cancelled) {
                    List<CancellationReason> reasons = cancelled.cancellationReasons();
                    if (isCode(reasons, ENTRY, CCF)) {
                        Map<String, AttributeValue> first = reasons.get(ENTRY).item();
                        return replay(posting, first != null && !first.isEmpty()
                                ? EntryItems.fromItem(first)
                                : entry(posting.entryId()).orElseThrow(() -> cancelled));
                    }
                    int settle = settleIndex(posting);
                    if (settle >= 0 && isCode(reasons, settle, CCF)) {
                        Map<String, AttributeValue> held = reasons.get(settle).item();
                        throw new HoldMovedException(held != null && !held.isEmpty() ? HoldItems.fromItem(held)
                                : hold(settleOf(posting).hold().holdId()).orElseThrow(() -> cancelled));
                    }
                    if (isCode(reasons, BALANCE, CCF)) {
                        Map<String, AttributeValue> item = reasons.get(BALANCE).item();
                        state = known(user, item);
                        cache.remember(state);
                        fresh = true;
                        entryAbsent = true; // the entry's own condition held in the same transaction
                        lost++;
                        if (myTurn && served(item) != ticket - 1) {
                            ticket = 0; // our turn was skipped as stuck: queue again
                            myTurn = false;
                        }
                        if (hotMode == HotMode.QUEUE && ticket == 0 && state.balance().exists()
                                && (lost >= 2 || queued(item))) {
                            // Contended: take a ticket instead of racing the other writers (docs/data-model.md).
                            Map<String, AttributeValue> joined = join(user);
                            ticket = num(joined, ISSUED);
                            state = known(user, joined);
                            myTurn = served(joined) == ticket - 1;
                            entryAbsent = false;
                        } else if (hotMode == HotMode.BACKOFF) {
                            pause(attempt);
                        } else if (ticket == 0 && lost >= 2) {
                            // RETRY, or a balance not created yet: the returned item is current, go again at once,
                            // with a small jitter after the second loss so the losers do not collide in lockstep
                            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(Math.max(1, cycle.nanos())));
                        }
                        continue;
                    }
                    if (posting.counter().isPresent() && isCode(reasons, COUNTER, CCF)) {
                        throw limitExceeded(posting.counter().orElseThrow(), reasons.get(COUNTER).item());
                    }
                    if (reasons.stream().anyMatch(r -> CONFLICT.equals(r.code()))) {
                        // Real DynamoDB: another transaction held an item at that moment (no queueing there).
                        fresh = false;
                        if (myTurn) {
                            state = null; // still our turn; read again and go
                            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(Math.max(1, cycle.nanos() / 2)));
                        } else {
                            pause(attempt);
                        }
                        continue;
                    }
                    if (reasons != null && reasons.stream().anyMatch(r -> CCF.equals(r.code()))) {
                        throw new IllegalStateException("a posting effect's precondition failed for " + posting.entryId()
                                + ": " + reasons.stream().map(CancellationReason::code).toList());
                    }
                    throw cancelled;
                }
            }
            throw new ContentionException("the balance is changing too fast; retry with the same idempotency key");
        } finally {
            if (ticket != 0 && myTurn) {
                passTurn(user, ticket); // refused, replayed or failed in our turn: let the next writer go
            }
        }
    }

    private void announce(List<AppEvent> produced) {
        AppEventItems.announce(notifier, produced, DynamoLedgerStore.class);
    }

    // --- the per-user queue of a hot balance -------------------------------------------------------------

    /** How a posting that lost the race for the balance version goes on (docs/data-model.md, BENCHMARKS.md). */
    enum HotMode { QUEUE, RETRY, BACKOFF }

    /** Tickets handed out so far on a balance item (N); absent means never contended. */
    static final String ISSUED = "issued";
    /** Tickets whose turn is over (N): ticket t may post while {@code served = t - 1}. */
    static final String SERVED = "served";
    /**
     * A turn that does not move for this long is skipped: its holder died or gave up. A live holder that is
     * skipped finds out from its own cancelled transaction and queues again; nothing is lost, the turn only
     * decides who tries, never what is written. Long on purpose: a stalled but live holder (GC, a starved
     * CPU) must not be skipped, and holes are rare because a queued writer does not give up while the queue moves.
     */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A queued writer waits past the retry budget while the queue moves, up to this (under the 10 s Lambda timeout). */
    private static final long MAX_QUEUE_NANOS = TimeUnit.SECONDS.toNanos(8);

    /**
     * The mode, settable by the benchmark that compares them (bench/HotUser). BACKOFF (the full-jitter backoff
     * this store always had) stays the default until QUEUE is measured on a quiet machine: in the only runs so far
     * (load average 25-37 on 2 cores) QUEUE did worse than BACKOFF in DeductConcurrencyTest (BENCHMARKS.md).
     */
    static volatile HotMode hotMode = HotMode.valueOf(System.getProperty("prepaid.ledger.hotMode", "BACKOFF"));

    /** For bench/HotUser only: compares the modes in one process. */
    public static void benchmarkHotMode(String mode) {
        hotMode = HotMode.valueOf(mode);
    }

    /** Smoothed duration of one posting transaction in this instance: the unit of a queued writer's wait. */
    private final Cycle cycle = new Cycle();

    static final class Cycle {
        private volatile long nanos = TimeUnit.MILLISECONDS.toNanos(5);

        void observe(long took) {
            long bounded = Math.max(TimeUnit.MICROSECONDS.toNanos(200), Math.min(took, TimeUnit.MILLISECONDS.toNanos(200)));
            nanos = (nanos * 7 + bounded) / 8;
        }

        long nanos() {
            return nanos;
        }
    }

    private static long served(Map<String, AttributeValue> item) {
        return item != null && item.containsKey(SERVED) ? num(item, SERVED) : 0;
    }

    /** Writers are queued on this balance (the fast path's condition fails while they are). */
    private static boolean queued(Map<String, AttributeValue> item) {
        return item != null && item.containsKey(ISSUED) && num(item, ISSUED) != served(item);
    }

    /** Takes the next ticket: one UpdateItem on the balance item; the new image has the balance and the queue. */
    private Map<String, AttributeValue> join(UserId user) {
        for (int attempt = 0; ; attempt++) {
            try {
                return dynamo.updateItem(b -> b.tableName(table).key(EntryItems.balanceKey(user))
                        .updateExpression("SET #served = if_not_exists(#served, :zero) ADD #issued :one")
                        .conditionExpression("attribute_exists(" + LedgerTable.PK + ")")
                        .expressionAttributeNames(Map.of("#served", SERVED, "#issued", ISSUED))
                        .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1)))
                        .returnValues(ReturnValue.ALL_NEW)).attributes();
            } catch (TransactionConflictException e) {
                // real DynamoDB: a posting transaction held the item at that moment
                if (attempt >= 20) {
                    throw new ContentionException("the balance is busy; retry with the same idempotency key");
                }
                pause(attempt);
            }
        }
    }

    /**
     * Waits until ticket {@code ticket}'s turn: sleeps about one transaction per writer ahead, then looks
     * (consistent GetItem). A turn that does not move for {@link #STUCK_NANOS} is skipped under a condition
     * on its value, so a writer that died in its turn delays the queue once and never blocks it.
     * Returns the balance read when the turn came, or null when this ticket itself was skipped.
     */
    private BalanceCache.Known awaitTurn(UserId user, long ticket, long deadline) {
        long lastServed = -1;
        long since = System.nanoTime();
        while (true) {
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                    .key(EntryItems.balanceKey(user)).consistentRead(true)).item();
            long served = served(item);
            if (served == ticket - 1) {
                BalanceCache.Known known = known(user, item);
                cache.remember(known);
                return known;
            }
            if (served >= ticket) {
                return null;
            }
            long now = System.nanoTime();
            if (served != lastServed) {
                lastServed = served;
                since = now;
            } else if (now - since > STUCK_NANOS) {
                skip(user, served);
                since = now;
                continue;
            }
            // past the budget only while the queue moves (a writer that gives up leaves a hole for STUCK_NANOS)
            if (now > deadline && (now - since > TimeUnit.MILLISECONDS.toNanos(200) || now > deadline - MAX_RETRY_NANOS + MAX_QUEUE_NANOS)) {
                throw new ContentionException("the balance is busy; retry with the same idempotency key");
            }
            long ahead = ticket - 1 - served;
            long wait = ahead <= 1 ? cycle.nanos() / 2 : (ahead - 1) * cycle.nanos() + cycle.nanos() / 2;
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    private void skip(UserId user, long stuck) {
        advance(user, stuck, stuck + 1);
    }

    private void passTurn(UserId user, long ticket) {
        advance(user, ticket - 1, ticket);
    }

    /** {@code served: from -> to} under {@code served = from}; losing that condition means someone else did it. */
    private void advance(UserId user, long from, long to) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(EntryItems.balanceKey(user))
                    .updateExpression("SET #served = :to")
                    .conditionExpression("#served = :from")
                    .expressionAttributeNames(Map.of("#served", SERVED))
                    .expressionAttributeValues(Map.of(":from", n(from), ":to", n(to))));
        } catch (ConditionalCheckFailedException | TransactionConflictException e) {
            // moved on already (or a posting is committing right now): a stuck turn is skipped by the next writer
        } catch (RuntimeException e) {
            // best effort: the next writer skips the turn after STUCK_NANOS
        }
    }

    private TransactWriteItemsRequest transaction(Posting posting, BalanceCache.Known known, LedgerEntry entry,
                                                  List<AppEvent> produced, long ticket) {
        Balance before = known.balance();
        Map<String, String> names = new HashMap<>();
        names.put("#balance", "balance");
        names.put("#seq", "seq");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":after", n(entry.balanceAfter().hundredths()));
        values.put(":next", n(entry.sequence()));
        values.put(":now", s(LedgerTable.timestamp(entry.createdAt())));
        values.put(":user", s(posting.userId().value()));
        String plan = null;
        for (PostingEffect effect : posting.effects()) {
            if (effect instanceof PostingEffect.SetPlan setPlan) {
                plan = setPlan.productId();
            }
        }
        String update = "SET #balance = :after, #seq = :next, updatedAt = :now, userId = :user";
        // The balance also lands in GSI4's hour bucket, so reconciliation finds every user whose balance moved.
        // Once per hour bucket: when the version this posting is conditioned on already carries this hour's
        // marker, the keys stay as they are (a changed index key is a delete plus a put in GSI4). The seq
        // condition makes that decision exact: if the item moved on, the transaction is cancelled and redone.
        String marker = LedgerTable.changedPk(entry.createdAt(), posting.userId().value());
        if (!marker.equals(known.marker())) {
            values.put(":changedPk", s(marker));
            values.put(":changedSk", s(LedgerTable.timestamp(entry.createdAt()) + "#" + posting.userId().value()));
            names.put("#g4pk", LedgerTable.GSI4_PK);
            names.put("#g4sk", LedgerTable.GSI4_SK);
            update += ", #g4pk = :changedPk, #g4sk = :changedSk";
        }
        if (plan != null) {
            values.put(":plan", s(plan));
            update += ", #plan = :plan";
            names.put("#plan", "plan");
        }
        String condition;
        if (before.exists()) {
            values.put(":seq", n(before.sequence()));
            names.put("#served", SERVED);
            if (ticket == 0) {
                names.put("#issued", ISSUED);
                // nobody is queued (else join the queue rather than overtake it)
                condition = "#seq = :seq AND (attribute_not_exists(#issued) OR #issued = #served)";
            } else {
                // our turn, and the posting ends it
                values.put(":turn", n(ticket - 1));
                values.put(":ticket", n(ticket));
                condition = "#seq = :seq AND #served = :turn";
                update += ", #served = :ticket";
            }
        } else {
            // no entry yet; the item may exist already, holding only the user's low threshold (auto top-up opt-in)
            condition = "attribute_not_exists(#seq)";
        }
        // The events were decided with this threshold: one changed since (an auto top-up opt-in, written without
        // a new version) fails the condition like a new version does, and the posting is decided again.
        names.put("#low", EntryItems.LOW_THRESHOLD);
        if (before.lowThreshold() != null) {
            values.put(":low", n(before.lowThreshold().hundredths()));
            condition += " AND #low = :low";
        } else {
            condition += " AND attribute_not_exists(#low)";
        }
        Credits released = posting.releasedHeld();
        if (released.isPositive()) {
            // a capture: the hold's amount leaves held with it (the hold item's own condition makes it once)
            names.put("#held", EntryItems.HELD);
            values.put(":released", n(released.hundredths()));
            update += ", #held = #held - :released";
        }
        if (posting.rule() == BalanceRule.REQUIRE_FUNDS && before.exists()) {
            // balance - held >= amount, with the balance pinned by seq: held <= balance after (+ what this
            // posting releases). No read of held is trusted; a hold taken meanwhile fails this and we look again.
            names.put("#held", EntryItems.HELD);
            values.put(":room", n(entry.balanceAfter().plus(released).hundredths()));
            condition += " AND (attribute_not_exists(#held) OR #held <= :room)";
        }
        List<TransactWriteItem> items = new ArrayList<>(3 + produced.size());
        items.add(TransactWriteItem.builder().update(Update.builder()
                .tableName(table)
                .key(EntryItems.balanceKey(posting.userId()))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build());
        items.add(TransactWriteItem.builder().put(Put.builder()
                .tableName(table)
                .item(EntryItems.toItem(entry))
                .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ")")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build());
        posting.counter().ifPresent(counter -> items.add(TransactWriteItem.builder().update(counterUpdate(counter))
                .build()));
        for (PostingEffect effect : posting.effects()) {
            if (effect instanceof PostingEffect.SettleHold settle) {
                items.add(TransactWriteItem.builder().update(settleHold(settle.hold(), settle.to(), settle.captured(),
                        posting.entryId(), settle.at())).build());
                continue;
            }
            TransactWriteItem item = PaymentItems.effect(table, effect);
            if (item != null) {
                items.add(item);
            }
        }
        for (AppEvent event : produced) {
            items.add(AppEventItems.outboxPut(table, event));
        }
        return TransactWriteItemsRequest.builder().transactItems(items).build();
    }

    /**
     * total + add <= limit, written as total <= limit - add so the condition needs no arithmetic. A release
     * (negative add) lowers the total under the condition that it holds at least that much, and keeps the
     * stored limit.
     */
    private Update counterUpdate(LimitCounter counter) {
        Map<String, String> names = new HashMap<>();
        names.put("#total", "total");
        Map<String, AttributeValue> values = new HashMap<>();
        if (counter.isRelease()) {
            values.put(":release", n(counter.add().negate().hundredths()));
            String update = "SET #total = #total - :release";
            String condition = "#total >= :release";
            if (counter.moneyAdd() < 0) {
                names.put("#money", MONEY);
                values.put(":mrelease", n(-counter.moneyAdd()));
                update += ", #money = #money - :mrelease";
                condition += " AND #money >= :mrelease";
            }
            return Update.builder()
                    .tableName(table)
                    .key(EntryItems.counterKey(counter.counterId()))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build();
        }
        names.put("#limit", "limit");
        values.put(":zero", n(0));
        values.put(":add", n(counter.add().hundredths()));
        values.put(":limit", n(counter.limit().hundredths()));
        values.put(":room", n(counter.limit().hundredths() - counter.add().hundredths()));
        String update = "SET #total = if_not_exists(#total, :zero) + :add, #limit = :limit";
        String condition = "(attribute_not_exists(#total) OR #total <= :room)";
        if (counter.moneyAdd() > 0 || counter.moneyExpected() != null) {
            names.put("#money", MONEY);
            values.put(":madd", n(counter.moneyAdd()));
            update += ", #money = if_not_exists(#money, :zero) + :madd";
        }
        if (counter.moneyExpected() != null) {
            // what the caller computed its share from is still the running total (else it re-reads)
            values.put(":mexpected", n(counter.moneyExpected()));
            condition += counter.moneyExpected() == 0 ? " AND (attribute_not_exists(#money) OR #money = :mexpected)"
                    : " AND #money = :mexpected";
        }
        return Update.builder()
                .tableName(table)
                .key(EntryItems.counterKey(counter.counterId()))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** The counter item's running money total (minor units), beside its credits {@code total}. */
    static final String MONEY = "money";

    @Override
    public Optional<CounterTotals> counterTotals(String counterId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(EntryItems.counterKey(counterId))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CounterTotals(Credits.ofHundredths(item.containsKey("total") ? num(item, "total") : 0),
                item.containsKey(MONEY) ? num(item, MONEY) : 0));
    }

    private static RuntimeException limitExceeded(LimitCounter counter, Map<String, AttributeValue> item) {
        if (counter.moneyExpected() != null && !counter.isRelease()
                && (item == null || !item.containsKey(MONEY) ? 0 : num(item, MONEY)) != counter.moneyExpected()) {
            return new ContentionException("counter " + counter.counterId() + " moved since it was read; read it again");
        }
        Credits used = Credits.ofHundredths(item == null ? 0 : num(item, "total"));
        if (counter.isRelease()) {
            return new LimitExceededException(counter.limitCode(), "taking " + counter.add().negate() + " off "
                    + counter.counterId() + " would bring its total " + used + " below zero", counter.limit(), used);
        }
        return new LimitExceededException(counter.limitCode(),
                "adding " + counter.add() + " to " + used + " would pass the limit of " + counter.limit(),
                counter.limit(), used);
    }

    private static PostingResult replay(Posting posting, LedgerEntry first) {
        if (!first.fingerprint().equals(posting.fingerprint()) || !first.userId().equals(posting.userId())) {
            throw new IdempotencyKeyReusedException(first.entryId());
        }
        return new PostingResult(first, true);
    }

    private static boolean isCode(List<CancellationReason> reasons, int index, String code) {
        return reasons != null && reasons.size() > index && code.equals(reasons.get(index).code());
    }

    /**
     * Full-jitter exponential backoff (0.5 ms doubling up to 64 ms): writers who lost the same race spread
     * out instead of colliding again in lockstep, and the engine spends its time on winners.
     */
    private static void pause(int attempt) {
        long maxMicros = Math.min(64_000, 500L << Math.min(attempt, 7));
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextLong(maxMicros)));
    }

    private BalanceCache.Known readBalance(UserId user) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(EntryItems.balanceKey(user)).consistentRead(true)).item();
        BalanceCache.Known balance = known(user, item);
        cache.remember(balance);
        return balance;
    }

    /** The balance an item holds and its GSI4 marker partition (ALL_OLD of a cancelled posting, or a read). */
    private static BalanceCache.Known known(UserId user, Map<String, AttributeValue> item) {
        AttributeValue marker = item == null ? null : item.get(LedgerTable.GSI4_PK);
        return new BalanceCache.Known(EntryItems.balanceFromItem(user, item), marker == null ? null : marker.s());
    }

    @Override
    public Optional<Balance> balance(UserId userId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(EntryItems.balanceKey(userId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(EntryItems.balanceFromItem(userId, item));
    }

    @Override
    public Optional<LedgerEntry> entry(String entryId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(EntryItems.entryKey(entryId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(EntryItems.fromItem(item));
    }

    @Override
    public HistoryPage history(UserId userId, Optional<EntryType> type, int limit, Optional<String> cursor) {
        String index = type.isPresent() ? LedgerTable.GSI2 : LedgerTable.GSI1;
        String pkName = type.isPresent() ? LedgerTable.GSI2_PK : LedgerTable.GSI1_PK;
        String skName = type.isPresent() ? LedgerTable.GSI2_SK : LedgerTable.GSI1_SK;
        String pk = type.map(t -> LedgerTable.typePk(userId.value(), t.wireName()))
                .orElse(LedgerTable.historyPk(userId.value()));
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .indexName(index)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", pkName))
                .expressionAttributeValues(Map.of(":pk", s(pk)))
                .scanIndexForward(false)
                .limit(limit);
        cursor.ifPresent(c -> query.exclusiveStartKey(HistoryCursor.decode(c, index, pkName, pk, skName)));
        QueryResponse response = dynamo.query(query.build());
        List<LedgerEntry> items = response.items().stream().map(EntryItems::fromItem).toList();
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(HistoryCursor.encode(index, response.lastEvaluatedKey(), skName))
                : Optional.empty();
        return new HistoryPage(items, next);
    }

    /** GSI1 from {@code gsi1sk > <afterSeq, 20 digits>}, ascending: only the entries posted after that version. */
    @Override
    public HistoryPage entriesAfter(UserId userId, long afterSeq, int limit, Optional<String> cursor) {
        String pk = LedgerTable.historyPk(userId.value());
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .indexName(LedgerTable.GSI1)
                .keyConditionExpression("#pk = :pk AND #sk > :after")
                .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI1_PK, "#sk", LedgerTable.GSI1_SK))
                .expressionAttributeValues(Map.of(":pk", s(pk), ":after", s(LedgerTable.sequenceKey(Math.max(0, afterSeq)))))
                .scanIndexForward(true)
                .limit(limit);
        cursor.ifPresent(c -> query.exclusiveStartKey(HistoryCursor.decode(c, LedgerTable.GSI1, LedgerTable.GSI1_PK, pk,
                LedgerTable.GSI1_SK)));
        QueryResponse response = dynamo.query(query.build());
        List<LedgerEntry> items = response.items().stream().map(EntryItems::fromItem).toList();
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(HistoryCursor.encode(LedgerTable.GSI1, response.lastEvaluatedKey(), LedgerTable.GSI1_SK))
                : Optional.empty();
        return new HistoryPage(items, next);
    }

    @Override
    public List<LedgerEntry> entries(UserId userId, EntryType type, Instant from, Instant to, int max) {
        List<LedgerEntry> result = new ArrayList<>();
        // No entry lies outside the representable years; clamping keeps BETWEEN's bounds in order.
        from = from.isBefore(FIRST_TIMESTAMP) ? FIRST_TIMESTAMP : from;
        to = to.isAfter(LAST_TIMESTAMP) ? LAST_TIMESTAMP : to;
        if (!from.isBefore(to)) {
            return result;
        }
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(table)
                    .indexName(LedgerTable.GSI2)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI2_PK, "#sk", LedgerTable.GSI2_SK))
                    .expressionAttributeValues(Map.of(
                            ":pk", s(LedgerTable.typePk(userId.value(), type.wireName())),
                            ":from", s(LedgerTable.timestamp(from)),
                            // '#' sorts before digits, so "<to>#" excludes entries at exactly `to`.
                            ":to", s(LedgerTable.timestamp(to))))
                    .limit(Math.min(1000, max - result.size()));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(query.build());
            response.items().forEach(item -> result.add(EntryItems.fromItem(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null && result.size() < max);
        return result;
    }

    // --- holds ------------------------------------------------------------------------------------------------

    /** Where the posting's hold update sits in its transaction (-1 when it settles no hold). */
    private static int settleIndex(Posting posting) {
        int index = posting.counter().isPresent() ? COUNTER + 1 : COUNTER;
        for (PostingEffect effect : posting.effects()) {
            if (effect instanceof PostingEffect.SettleHold) {
                return index;
            }
            if (!(effect instanceof PostingEffect.SetPlan)) {
                index++; // every effect but SetPlan (a balance attribute) is an item of its own
            }
        }
        return -1;
    }

    private static PostingEffect.SettleHold settleOf(Posting posting) {
        return posting.effects().stream().filter(PostingEffect.SettleHold.class::isInstance)
                .map(PostingEffect.SettleHold.class::cast).findFirst().orElseThrow();
    }

    /**
     * The hold item's one transition: {@code active} to {@code to}, under {@code status = active} (and for a
     * capture, not yet expired; for an expiry, expired), leaving the GSI2 / GSI4 lists of active holds.
     */
    private Update settleHold(Hold hold, HoldStatus to, Credits captured, String entryId, Instant at) {
        Map<String, String> names = new HashMap<>();
        names.put("#status", HoldItems.STATUS);
        names.put("#amount", "amount");
        names.put("#g2pk", LedgerTable.GSI2_PK);
        names.put("#g2sk", LedgerTable.GSI2_SK);
        names.put("#g4pk", LedgerTable.GSI4_PK);
        names.put("#g4sk", LedgerTable.GSI4_SK);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":active", s(HoldStatus.ACTIVE.wireName()));
        values.put(":to", s(to.wireName()));
        values.put(":at", s(LedgerTable.timestamp(at)));
        values.put(":amount", n(hold.amount().hundredths()));
        String update = "SET #status = :to, settledAt = :at";
        if (captured != null) {
            values.put(":captured", n(captured.hundredths()));
            values.put(":entry", s(entryId));
            update += ", capturedAmount = :captured, entryId = :entry";
        }
        update += " REMOVE #g2pk, #g2sk, #g4pk, #g4sk";
        // the amount is part of the condition: what leaves held is what the hold added
        String condition = "#status = :active AND #amount = :amount";
        if (to == HoldStatus.CAPTURED || to == HoldStatus.EXPIRED) {
            names.put("#until", HoldItems.UNTIL);
            values.put(":now", n(at.toEpochMilli()));
            condition += to == HoldStatus.CAPTURED ? " AND #until > :now" : " AND #until <= :now";
        }
        return Update.builder().tableName(table).key(HoldItems.key(hold.holdId()))
                .updateExpression(update).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    @Override
    public HoldWrite createHold(Hold hold) {
        return underUserLock(hold.userId(), () -> createHoldLocked(hold));
    }

    private HoldWrite createHoldLocked(Hold hold) {
        UserId user = hold.userId();
        BalanceCache.Known known = cache.get(user);
        Balance state = known == null ? null : known.balance();
        boolean fresh = false;
        boolean holdAbsent = false;
        long deadline = System.nanoTime() + MAX_RETRY_NANOS;
        for (int attempt = 0; attempt < MAX_ATTEMPTS && System.nanoTime() < deadline; attempt++) {
            if (state == null) {
                state = readBalance(user).balance();
                fresh = true;
                holdAbsent = false;
            }
            if (state.available().isLessThan(hold.amount()) || !state.exists()) {
                if (!fresh) {
                    state = null;
                    continue;
                }
                if (!holdAbsent) {
                    Optional<Hold> existing = hold(hold.holdId());
                    if (existing.isPresent()) {
                        return replayHold(hold, existing.get());
                    }
                }
                throw new InsufficientCreditsException(state.available(), hold.amount());
            }
            Map<String, String> names = new HashMap<>();
            names.put("#seq", "seq");
            names.put("#held", EntryItems.HELD);
            names.put("#g4pk", LedgerTable.GSI4_PK);
            names.put("#g4sk", LedgerTable.GSI4_SK);
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":seq", n(state.sequence()));
            values.put(":zero", n(0));
            values.put(":amount", n(hold.amount().hundredths()));
            values.put(":room", n(state.credits().minus(hold.amount()).hundredths()));
            values.put(":now", s(LedgerTable.timestamp(hold.createdAt())));
            values.put(":changedPk", s(LedgerTable.changedPk(hold.createdAt(), user.value())));
            values.put(":changedSk", s(LedgerTable.timestamp(hold.createdAt()) + "#" + user.value()));
            Update balance = Update.builder().tableName(table).key(EntryItems.balanceKey(user))
                    // heldAt: when held last moved (reconciliation lets the hold lists settle before comparing);
                    // the balance enters this hour's changed bucket so reconciliation checks the user's holds
                    .updateExpression("SET #held = if_not_exists(#held, :zero) + :amount, heldAt = :now, "
                            + "#g4pk = :changedPk, #g4sk = :changedSk")
                    .conditionExpression("#seq = :seq AND (attribute_not_exists(#held) OR #held <= :room)")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build();
            Put put = Put.builder().tableName(table).item(HoldItems.toItem(hold))
                    .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ")")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build();
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                        TransactWriteItem.builder().update(balance).build(),
                        TransactWriteItem.builder().put(put).build()).build());
                Balance after = state.withHeld(state.held().plus(hold.amount()));
                cache.remember(new BalanceCache.Known(after, LedgerTable.changedPk(hold.createdAt(), user.value())));
                return new HoldWrite(hold, after, false);
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if (isCode(reasons, 1, CCF)) {
                    Map<String, AttributeValue> first = reasons.get(1).item();
                    return replayHold(hold, first != null && !first.isEmpty() ? HoldItems.fromItem(first)
                            : hold(hold.holdId()).orElseThrow(() -> cancelled));
                }
                if (isCode(reasons, BALANCE, CCF)) {
                    BalanceCache.Known current = known(user, reasons.get(BALANCE).item());
                    state = current.balance();
                    cache.remember(current);
                    fresh = true;
                    holdAbsent = true;
                    pause(attempt);
                    continue;
                }
                if (reasons != null && reasons.stream().anyMatch(r -> CONFLICT.equals(r.code()))) {
                    fresh = false;
                    pause(attempt);
                    continue;
                }
                throw cancelled;
            }
        }
        throw new ContentionException("the balance is changing too fast; retry with the same idempotency key");
    }

    private static HoldWrite replayHold(Hold request, Hold first) {
        if (!first.fingerprint().equals(request.fingerprint()) || !first.userId().equals(request.userId())) {
            throw new IdempotencyKeyReusedException(first.holdId());
        }
        return new HoldWrite(first, null, true);
    }

    @Override
    public Optional<Hold> hold(String holdId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(HoldItems.key(holdId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(HoldItems.fromItem(item));
    }

    /**
     * Release or expiry: the hold's transition and {@code held -= amount} in one transaction. The balance is
     * not pinned by version (the balance does not move, no entry is written): the hold item's condition alone
     * makes it once. One round trip.
     */
    @Override
    public HoldWrite endHold(Hold hold, HoldStatus to, Instant at) {
        if (to != HoldStatus.RELEASED && to != HoldStatus.EXPIRED) {
            throw new IllegalArgumentException("a hold ends released or expired here, not " + to);
        }
        Map<String, String> names = new HashMap<>();
        names.put("#held", EntryItems.HELD);
        names.put("#g4pk", LedgerTable.GSI4_PK);
        names.put("#g4sk", LedgerTable.GSI4_SK);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":amount", n(hold.amount().hundredths()));
        values.put(":now", s(LedgerTable.timestamp(at)));
        values.put(":changedPk", s(LedgerTable.changedPk(at, hold.userId().value())));
        values.put(":changedSk", s(LedgerTable.timestamp(at) + "#" + hold.userId().value()));
        Update balance = Update.builder().tableName(table).key(EntryItems.balanceKey(hold.userId()))
                .updateExpression("SET #held = #held - :amount, heldAt = :now, #g4pk = :changedPk, #g4sk = :changedSk")
                .conditionExpression("attribute_exists(#held)")
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                        TransactWriteItem.builder().update(settleHold(hold, to, null, null, at)).build(),
                        TransactWriteItem.builder().update(balance).build()).build());
                BalanceCache.Known known = cache.get(hold.userId());
                if (known != null) { // held moved without a new version; never trusted, the conditions check
                    cache.remember(new BalanceCache.Known(known.balance().withHeld(known.balance().held().minus(hold.amount())),
                            LedgerTable.changedPk(at, hold.userId().value())));
                }
                return new HoldWrite(hold.settled(to, null, null, at), null, false);
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if (isCode(reasons, 0, CCF)) {
                    Map<String, AttributeValue> current = reasons.get(0).item();
                    throw new HoldMovedException(current != null && !current.isEmpty() ? HoldItems.fromItem(current)
                            : hold(hold.holdId()).orElseThrow(() -> cancelled));
                }
                if (reasons != null && reasons.stream().anyMatch(r -> CONFLICT.equals(r.code()))) {
                    pause(attempt);
                    continue;
                }
                throw cancelled;
            }
        }
        throw new ContentionException("the hold is busy; retry");
    }

    @Override
    public List<Hold> activeHolds(UserId userId, int max) {
        List<Hold> result = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(LedgerTable.GSI2)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI2_PK))
                    .expressionAttributeValues(Map.of(":pk", s(LedgerTable.holdsPk(userId.value()))))
                    .limit(Math.min(1000, max - result.size()));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(query.build());
            response.items().forEach(item -> result.add(HoldItems.fromItem(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null && result.size() < max);
        // the index may lag a transition by a moment: keep only what it says is active
        result.removeIf(h -> h.status() != HoldStatus.ACTIVE);
        return result;
    }

    @Override
    public List<Hold> dueHolds(Instant now, int max) {
        List<Hold> result = new ArrayList<>();
        // keys are "<expiry>#<holdId>"; '$' sorts right after '#', so "<now>$" bounds holds expiring at or before now
        String bound = LedgerTable.timestamp(now) + "$";
        for (int shard = 0; shard < LedgerTable.HELD_SHARDS && result.size() < max; shard++) {
            Map<String, AttributeValue> start = null;
            do {
                QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(LedgerTable.GSI4)
                        .keyConditionExpression("#pk = :pk AND #sk < :bound")
                        .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI4_PK, "#sk", LedgerTable.GSI4_SK))
                        .expressionAttributeValues(Map.of(":pk", s(LedgerTable.heldPk(shard)), ":bound", s(bound)))
                        .limit(Math.min(1000, max - result.size()));
                if (start != null) {
                    query.exclusiveStartKey(start);
                }
                QueryResponse response = dynamo.query(query.build());
                response.items().forEach(item -> result.add(HoldItems.fromItem(item)));
                start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                        ? response.lastEvaluatedKey() : null;
            } while (start != null && result.size() < max);
        }
        result.removeIf(h -> !h.isDue(now));
        return result;
    }
}

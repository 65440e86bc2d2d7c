package dev.prepaid.application;

import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.ContentionException;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.Fingerprint;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.LimitCounter;
import dev.prepaid.domain.LimitExceededException;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingEffect;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.PaymentMismatch;
import dev.prepaid.domain.payment.PaymentNotCreditedException;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.RetryLaterException;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.LedgerStore;
import dev.prepaid.port.out.OrderStore;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns confirmed payment events into ledger postings. Every event maps to a deterministic entry id, so
 * the same event delivered five times, or a callback racing its webhook, posts once and replays after.
 * Events that arrive before what they refer to throw {@link RetryLaterException}: the queue redelivers.
 */
public final class FulfilmentService {

    /** Metric counted when a paid event does not match its order (nothing granted, event acknowledged). */
    public static final String PAYMENT_MISMATCH = "PaymentMismatch";
    /** Metric counted when a refund or dispute is in another currency than its payment (nothing taken). */
    public static final String REFUND_CURRENCY_MISMATCH = "RefundCurrencyMismatch";

    /**
     * What handling an event did, for logs and metrics. A {@code REJECTED} event is acknowledged like an
     * ignored one (retrying cannot change it) but names the {@code metric} its consumer counts.
     */
    public record Outcome(Kind kind, String detail, LedgerEntry entry, String metric) {
        public enum Kind { APPLIED, REPLAYED, IGNORED, REJECTED }

        public Outcome(Kind kind, String detail, LedgerEntry entry) {
            this(kind, detail, entry, null);
        }

        static Outcome rejected(String metric, String detail) {
            return new Outcome(Kind.REJECTED, detail, null, metric);
        }

        static Outcome of(PostingResult result, String detail) {
            return new Outcome(result.replayed() ? Kind.REPLAYED : Kind.APPLIED, detail, result.entry());
        }

        static Outcome ignored(String detail) {
            return new Outcome(Kind.IGNORED, detail, null);
        }
    }

    private final LedgerStore ledger;
    private final OrderStore orders;
    private final ProductCatalog catalog;
    private final ClawbackPolicy clawbackPolicy;
    private final Clock clock;
    private final PlanChanges planChanges;

    public FulfilmentService(LedgerStore ledger, OrderStore orders, ProductCatalog catalog,
                             ClawbackPolicy clawbackPolicy, Clock clock) {
        this.ledger = ledger;
        this.orders = orders;
        this.catalog = catalog;
        this.clawbackPolicy = clawbackPolicy;
        this.clock = clock;
        this.planChanges = new PlanChanges(ledger, catalog, clock);
    }

    public Outcome handle(PaymentEvent event) {
        if (event instanceof PaymentEvent.CheckoutPaid paid) {
            return checkoutPaid(paid);
        }
        if (event instanceof PaymentEvent.CheckoutClosed closed) {
            return checkoutClosed(closed);
        }
        if (event instanceof PaymentEvent.SubscriptionPaid paid) {
            return subscriptionPaid(paid);
        }
        if (event instanceof PaymentEvent.SubscriptionChanged changed) {
            return subscriptionChanged(changed);
        }
        if (event instanceof PaymentEvent.PaymentRefunded refunded) {
            return clawback(event, refunded.refundRef(), refunded.paymentRef(), refunded.refunded(), "refund");
        }
        if (event instanceof PaymentEvent.RefundFailed failed) {
            return reverseClawback(event.provider(), failed.refundRef(), "refund failed");
        }
        if (event instanceof PaymentEvent.DisputeOpened opened) {
            return clawback(event, opened.disputeRef(), opened.paymentRef(), opened.amount(), "dispute");
        }
        if (event instanceof PaymentEvent.DisputeClosed closed) {
            return disputeClosed(closed);
        }
        return Outcome.ignored("event type " + event.type() + " is not acted on");
    }

    private Outcome checkoutPaid(PaymentEvent.CheckoutPaid paid) {
        Optional<Order> named = paid.orderId() != null && OrderId.isValid(paid.orderId())
                ? orders.find(new OrderId(paid.orderId())) : Optional.empty();
        Order order;
        String mismatch = null;
        if (named.isPresent()) {
            // The order id is only a hint anyone can set (a Payment Link's client_reference_id): the order's
            // own provider and checkout must be the ones that were paid.
            order = named.get();
            if (order.checkoutId() == null && order.status() == dev.prepaid.domain.payment.OrderStatus.PENDING
                    && order.provider().equals(paid.provider()) && paid.checkoutId() != null) {
                // Written before its checkout (or an auto top-up's payment) was attached: the writer attaches it
                // right after the provider answers, and an off-session payment's webhook can beat that.
                throw new RetryLaterException("order " + order.orderId() + " has no checkout attached yet");
            }
            if (!order.provider().equals(paid.provider())) {
                mismatch = PaymentMismatch.PROVIDER_MISMATCH;
            } else if (order.checkoutId() == null || !order.checkoutId().equals(paid.checkoutId())) {
                mismatch = PaymentMismatch.CHECKOUT_MISMATCH;
            }
        } else {
            order = paid.checkoutId() == null ? null : orders.findByCheckout(paid.provider(), paid.checkoutId()).orElse(null);
            if (order == null) {
                // Orders are written before their checkout exists, so a paid checkout with no order is not ours.
                return Outcome.ignored("no order for checkout " + paid.checkoutId());
            }
            if (paid.orderId() != null) {
                mismatch = PaymentMismatch.ORDER_MISMATCH; // names an order that is not the checkout's
            }
        }
        if (mismatch == null) {
            mismatch = amountMismatch(order.amount(), paid.paid());
            if (PaymentMismatch.AMOUNT_TOO_LOW.equals(mismatch) && discounted(order, paid)) {
                mismatch = null; // a promotion code the product allows: its credits whatever the discount
            }
        }
        if (mismatch != null) {
            orders.recordMismatch(new PaymentMismatch(paid.provider(), paid.eventId(), paid.type(), mismatch,
                    order.orderId().value(), paid.checkoutId(), order.userId().value(), order.amount(), paid.paid(),
                    clock.instant()));
            return Outcome.rejected(PAYMENT_MISMATCH, "checkout " + paid.checkoutId() + " does not pay order "
                    + order.orderId() + ": " + mismatch + " (order " + order.amount() + ", paid "
                    + (paid.paid() == null ? "unknown" : paid.paid()) + ")");
        }
        Instant now = clock.instant();
        Product product = catalog.find(order.productId()).orElse(null);
        Money paidAmount = paid.paid();
        List<PostingEffect> effects = new ArrayList<>();
        effects.add(new PostingEffect.CompleteOrder(order.orderId().value(), paid.paymentRef(), paid.subscriptionId(), now));
        if (!order.type().equals(dev.prepaid.domain.payment.ProductType.SUBSCRIPTION)) {
            String entryId = EntryIds.purchase(order.orderId().value());
            if (paid.paymentRef() != null) {
                effects.add(new PostingEffect.LinkPayment(paid.provider(), paid.paymentRef(), entryId, order.userId(),
                        paidAmount, order.credits()));
            }
            Posting posting = new Posting(order.userId(), entryId, EntryType.PURCHASE, order.credits(),
                    BalanceRule.ALLOW_NEGATIVE, order.orderId().value(),
                    Fingerprint.of("purchase", order.orderId(), order.credits().hundredths()),
                    "purchase of " + (product == null ? order.productId() : product.name()), null,
                    Map.of("orderId", order.orderId().value(), "productId", order.productId(), "provider", paid.provider()),
                    now, Optional.empty(), effects);
            return linkedOnReplay(ledger.post(posting), paid.provider(), paid.paymentRef(), paidAmount,
                    "purchase " + order.orderId());
        }
        // A state event may have come first (the subscription already updated, or ended): keep what it said.
        Optional<Subscription> known = paid.subscriptionId() == null ? Optional.empty()
                : orders.subscriptionById(paid.provider(), paid.subscriptionId());
        Subscription subscription = new Subscription(order.userId(), paid.provider(), paid.subscriptionId(),
                order.productId(), known.filter(Subscription::isTerminal).map(Subscription::status).orElse("active"),
                paid.periodEnd() != null ? paid.periodEnd() : known.map(Subscription::currentPeriodEnd).orElse(null),
                known.map(Subscription::cancelAtPeriodEnd).orElse(false), paid.customerRef(), now,
                known.map(Subscription::eventAt).orElse(null));
        if (paid.invoiceRef() == null) {
            // The first invoice's own event grants the first period; here the order completes and the
            // subscription is recorded so that event can find its user.
            orders.complete(order.orderId(), paid.paymentRef(), paid.subscriptionId(), now);
            if (paid.subscriptionId() != null) {
                orders.saveSubscription(subscription);
            }
            return Outcome.ignored("subscription checkout completed; credits come with its first invoice");
        }
        effects.add(new PostingEffect.RecordSubscription(subscription));
        return grantPeriod(paid.provider(), paid.invoiceRef(), order.userId(), order.productId(), order.credits(),
                paid.paymentRef(), paidAmount, order.orderId().value(), effects);
    }

    private Outcome subscriptionPaid(PaymentEvent.SubscriptionPaid paid) {
        if (paid.billingReason() != null && !paid.billingReason().startsPeriod()) {
            // A plan change's proration (or a manual invoice) is not a period: the plan change itself grants
            // (PlanChanges), whatever the provider invoiced for it.
            return Outcome.ignored("invoice " + paid.invoiceRef() + " is billed for " + paid.billingReason()
                    + ", not a period: no credits");
        }
        if (paid.linePriceRef() != null && paid.lineProductId() == null) {
            return Outcome.ignored("invoice " + paid.invoiceRef() + " charges price " + paid.linePriceRef()
                    + ", which is no plan of this catalog: no credits");
        }
        Instant now = clock.instant();
        Optional<Subscription> known = paid.subscriptionId() == null ? Optional.empty()
                : orders.subscriptionById(paid.provider(), paid.subscriptionId());
        String userId = paid.userId() != null ? paid.userId() : known.map(s -> s.userId().value()).orElse(null);
        // The plan the invoice charged for wins over the metadata the subscription was created with: after a
        // plan change the metadata still names the first plan.
        String productId = paid.lineProductId() != null ? paid.lineProductId()
                : paid.productId() != null ? paid.productId() : known.map(Subscription::productId).orElse(null);
        if ((userId == null || productId == null) && paid.orderId() != null && OrderId.isValid(paid.orderId())) {
            Optional<Order> order = orders.find(new OrderId(paid.orderId()));
            userId = userId != null ? userId : order.map(o -> o.userId().value()).orElse(null);
            productId = productId != null ? productId : order.map(Order::productId).orElse(null);
        }
        if (userId == null || productId == null) {
            throw new RetryLaterException("subscription " + paid.subscriptionId() + " is not known yet");
        }
        Product product = catalog.find(productId).orElse(null);
        if (product == null) {
            throw new RetryLaterException("product " + productId + " is not in this environment's catalog");
        }
        if (!product.isSubscription() || !product.periodPaidBy(paid.paid())) {
            return Outcome.ignored("invoice " + paid.invoiceRef() + " paid " + paid.paid() + " for " + productId
                    + " (catalog price " + product.price() + "): no credits");
        }
        UserId user = new UserId(userId);
        List<PostingEffect> effects = new ArrayList<>();
        // A late invoice.paid of a subscription that has since ended grants its (paid) period but does not
        // make the subscription active again.
        String status = known.filter(Subscription::isTerminal).map(Subscription::status).orElse("active");
        Subscription subscription = new Subscription(user, paid.provider(), paid.subscriptionId(), productId, status,
                paid.periodEnd(), known.map(Subscription::cancelAtPeriodEnd).orElse(false),
                paid.customerRef() != null ? paid.customerRef() : known.map(Subscription::customerRef).orElse(null), now,
                known.map(Subscription::eventAt).orElse(null));
        if (paid.subscriptionId() != null) {
            effects.add(new PostingEffect.RecordSubscription(subscription));
        }
        if (paid.orderId() != null && OrderId.isValid(paid.orderId())
                && orders.find(new OrderId(paid.orderId())).map(o -> o.userId().equals(user)).orElse(false)) {
            effects.add(new PostingEffect.CompleteOrder(paid.orderId(), paid.paymentRef(), paid.subscriptionId(), now));
        }
        return grantPeriod(paid.provider(), paid.invoiceRef(), user, productId, product.credits(), paid.paymentRef(),
                paid.paid(), paid.orderId(), effects);
    }

    private Outcome grantPeriod(String provider, String invoiceRef, UserId user, String productId, Credits credits,
                                String paymentRef, Money paid, String orderId, List<PostingEffect> effects) {
        String entryId = EntryIds.subscriptionGrant(provider, invoiceRef);
        effects.add(new PostingEffect.SetPlan(productId));
        if (paymentRef != null && paid != null) {
            effects.add(new PostingEffect.LinkPayment(provider, paymentRef, entryId, user, paid, credits));
        }
        Posting posting = new Posting(user, entryId, EntryType.SUBSCRIPTION_GRANT, credits, BalanceRule.ALLOW_NEGATIVE,
                invoiceRef, Fingerprint.of("subscription_grant", provider, invoiceRef, user, credits.hundredths()),
                productId + " plan credits", null,
                orderId == null ? Map.of("productId", productId, "provider", provider)
                        : Map.of("productId", productId, "provider", provider, "orderId", orderId),
                clock.instant(), Optional.empty(), effects);
        return linkedOnReplay(ledger.post(posting), provider, paymentRef, paid, "subscription grant " + invoiceRef);
    }

    /**
     * A replay wrote nothing, so the payment reference this event knows may not be linked yet (the other
     * event of the pair linked its own): link it now, so a refund naming either reference finds the credits.
     */
    private Outcome linkedOnReplay(PostingResult result, String provider, String paymentRef, Money paid, String detail) {
        if (result.replayed() && paymentRef != null && paid != null && result.entry().amount().isPositive()) {
            orders.linkPayment(new OrderStore.PaymentLink(provider, paymentRef, result.entry().entryId(),
                    result.entry().userId(), paid, result.entry().amount()));
        }
        return Outcome.of(result, detail);
    }

    private Outcome checkoutClosed(PaymentEvent.CheckoutClosed closed) {
        Optional<Order> order = findOrder(closed.provider(), closed.orderId(), closed.checkoutId());
        if (order.isEmpty()) {
            return Outcome.ignored("no order for checkout " + closed.checkoutId());
        }
        boolean changed = orders.close(order.get().orderId(), closed.outcome(), clock.instant());
        return Outcome.ignored(changed ? "order " + order.get().orderId() + " " + closed.outcome().wireName()
                : "order " + order.get().orderId() + " was no longer pending");
    }

    private Outcome subscriptionChanged(PaymentEvent.SubscriptionChanged changed) {
        Optional<Subscription> known = orders.subscriptionById(changed.provider(), changed.subscriptionId());
        if (known.isEmpty()) {
            throw new RetryLaterException("subscription " + changed.subscriptionId() + " is not known yet");
        }
        Subscription s = known.get();
        if (isStale(changed, s)) {
            return Outcome.ignored("subscription " + changed.subscriptionId() + ": " + changed.type() + " of "
                    + changed.occurredAt() + " is older than the state applied (" + s.eventAt() + ")");
        }
        // The provider's own plan switch (Stripe's billing portal) is the same plan change as our route's,
        // with the same grant under the same key: whichever comes second replays.
        String planDetail = "";
        boolean live = changed.status() == null || java.util.Set.of("active", "trialing", "past_due").contains(changed.status());
        if (live && changed.productId() != null && !changed.productId().equals(s.productId())) {
            Product target = catalog.find(changed.productId()).filter(Product::isSubscription).orElse(null);
            if (target != null) {
                PlanChanges.Result result = planChanges.apply(s, target);
                s = result.subscription();
                planDetail = result.upgrade() ? "; upgraded to " + target.id() + " (+" + result.granted() + ")"
                        : "; " + target.id() + " from the next period";
            }
        }
        Subscription next = new Subscription(s.userId(), s.provider(), s.subscriptionId(), s.productId(),
                changed.status() == null ? s.status() : changed.status(),
                changed.currentPeriodEnd() == null ? s.currentPeriodEnd() : changed.currentPeriodEnd(),
                changed.cancelAtPeriodEnd() == null ? s.cancelAtPeriodEnd() : changed.cancelAtPeriodEnd(),
                s.customerRef(), clock.instant(), changed.occurredAt() == null ? s.eventAt() : changed.occurredAt());
        if (changed.occurredAt() == null) {
            orders.saveSubscription(next); // a provider that does not date its events (the mock): last write wins
        } else if (!orders.saveSubscriptionIfNotStale(next)) {
            // A newer event was applied between our read and our write.
            return Outcome.ignored("subscription " + changed.subscriptionId() + ": " + changed.type()
                    + " lost to a newer event");
        }
        return Outcome.ignored("subscription " + changed.subscriptionId() + " is " + next.status() + planDetail);
    }

    /**
     * Older than the last event applied, or as old and the subscription already ended (an update and a
     * deletion in the same second: the deletion stands). Stale events change nothing.
     */
    private static boolean isStale(PaymentEvent.SubscriptionChanged changed, Subscription stored) {
        if (changed.occurredAt() == null || stored.eventAt() == null) {
            return false;
        }
        return changed.occurredAt().isBefore(stored.eventAt())
                || changed.occurredAt().equals(stored.eventAt()) && stored.isTerminal();
    }

    /**
     * Takes back, for one refund or dispute keyed by its id, {@code floor(credits x totalReturned / paid) -
     * alreadyClawed}: the payment's claw-back counter keeps both the credits taken and the money returned so
     * far, so twenty small refunds take what one refund of their sum would (never more than was granted). The
     * posting is conditioned on the money total it was computed from; a concurrent refund makes it re-read. A
     * refund too small to take a whole credit yet still posts (0 credits) so its money counts, once.
     */
    private Outcome clawback(PaymentEvent event, String ref, String paymentRef, Money returned, String what) {
        String provider = event.provider();
        OrderStore.PaymentLink link = orders.paymentLink(provider, paymentRef)
                .orElseThrow(() -> new PaymentNotCreditedException("payment " + paymentRef + " is not credited (yet)"));
        if (!link.paid().currency().equals(returned.currency())) {
            // Proportions across currencies would need an exchange rate we do not have: a person decides.
            orders.recordMismatch(new PaymentMismatch(provider, event.eventId(), event.type(),
                    PaymentMismatch.REFUND_CURRENCY_MISMATCH, link.entryId(), ref, link.userId().value(), link.paid(),
                    returned, clock.instant()));
            return Outcome.rejected(REFUND_CURRENCY_MISMATCH, what + " " + ref + " is in " + returned.currency()
                    + ", payment " + paymentRef + " was in " + link.paid().currency() + ": not applied");
        }
        Optional<LedgerEntry> done = ledger.entry(EntryIds.clawback(provider, ref));
        if (done.isPresent()) {
            return Outcome.of(new PostingResult(done.get(), true), what + " " + ref + " was already applied");
        }
        String counterId = EntryIds.clawedCounter(link.entryId());
        for (int attempt = 0; attempt < 5; attempt++) {
            LedgerStore.CounterTotals totals = ledger.counterTotals(counterId)
                    .orElse(new LedgerStore.CounterTotals(Credits.ZERO, 0));
            long returnedSoFar = Math.addExact(totals.money(), returned.minor());
            Credits due = proportion(link.credits(), new Money(returnedSoFar, returned.currency()), link.paid())
                    .minus(totals.total());
            Credits claw = due.isPositive() ? due : Credits.ZERO;
            try {
                return Outcome.of(ledger.post(clawbackPosting(provider, ref, paymentRef, returned, what, link, claw,
                        totals.money())), what + " " + ref + " clawed back " + claw + " (returned so far "
                        + new Money(returnedSoFar, returned.currency()) + ")");
            } catch (ContentionException e) {
                // another refund of the same payment landed between the read and the write: recompute
            }
        }
        throw new ContentionException("refunds of payment " + paymentRef + " keep racing; retry");
    }

    /** The fingerprint names the refund, not the computed amount, so a redelivery replays whatever was taken. */
    private Posting clawbackPosting(String provider, String ref, String paymentRef, Money returned, String what,
                                    OrderStore.PaymentLink link, Credits claw, long returnedBefore) {
        return new Posting(link.userId(), EntryIds.clawback(provider, ref), EntryType.CLAWBACK, claw.negate(),
                clawbackPolicy.rule(), ref,
                Fingerprint.of("clawback", provider, ref, paymentRef, returned.minor(), returned.currency()),
                what + " of " + returned, null,
                Map.of("paymentRef", paymentRef, "creditedEntry", link.entryId(), "provider", provider, "reason", what,
                        "returnedMinor", Long.toString(returned.minor())),
                clock.instant(),
                Optional.of(new LimitCounter(EntryIds.clawedCounter(link.entryId()), claw, link.credits(),
                        "clawback_exceeds_grant", returned.minor(), returnedBefore)),
                List.of());
    }

    private Outcome disputeClosed(PaymentEvent.DisputeClosed closed) {
        if (!closed.won()) {
            return Outcome.ignored("dispute " + closed.disputeRef() + " lost; its credits stay clawed back");
        }
        return reverseClawback(closed.provider(), closed.disputeRef(), "dispute won");
    }

    /**
     * Gives back what the claw-back of refund or dispute {@code ref} took, once (entry
     * {@code clawback_reversal#<provider>:<ref>}), and lowers the payment's claw-back counter by the credits and
     * the money that claw-back counted in the same transaction, so a later refund of the same payment may take
     * the credits again and computes its share from the money really returned.
     */
    private Outcome reverseClawback(String provider, String ref, String why) {
        LedgerEntry taken = ledger.entry(EntryIds.clawback(provider, ref)).orElse(null);
        if (taken == null) {
            throw new PaymentNotCreditedException(ref + " was not clawed back (yet)");
        }
        Credits back = taken.amount().negate();
        long money = Long.parseLong(taken.metadata().getOrDefault("returnedMinor", "0"));
        if (!back.isPositive() && money == 0) {
            return Outcome.ignored(ref + " took nothing back");
        }
        String credited = taken.metadata().get("creditedEntry");
        Optional<LimitCounter> release = credited == null ? Optional.empty()
                : Optional.of(LimitCounter.release(EntryIds.clawedCounter(credited), back, money,
                        "clawback_release_exceeds_clawed"));
        Posting posting = new Posting(taken.userId(), EntryIds.clawbackReversal(provider, ref),
                EntryType.CLAWBACK_REVERSAL, back, BalanceRule.ALLOW_NEGATIVE, ref,
                Fingerprint.of("clawback_reversal", provider, ref, back.hundredths()),
                why, null, Map.of("clawback", taken.entryId(), "provider", provider),
                clock.instant(), release, List.of());
        return Outcome.of(ledger.post(posting), why + ": " + ref + " gave back " + back);
    }

    private Optional<Order> findOrder(String provider, String orderId, String checkoutId) {
        if (orderId != null && OrderId.isValid(orderId)) {
            // only the order's own checkout may close it
            Optional<Order> order = orders.find(new OrderId(orderId))
                    .filter(o -> o.provider().equals(provider) && o.checkoutId() != null && o.checkoutId().equals(checkoutId));
            if (order.isPresent()) {
                return order;
            }
        }
        return checkoutId == null ? Optional.empty() : orders.findByCheckout(provider, checkoutId);
    }

    /**
     * Null when {@code paid} covers the order: same currency and at least its amount (tax may add to it);
     * otherwise why not. An event that does not say what was paid does not pay for anything.
     */
    static String amountMismatch(Money price, Money paid) {
        if (paid == null) {
            return PaymentMismatch.AMOUNT_UNKNOWN;
        }
        if (!price.currency().equals(paid.currency())) {
            return PaymentMismatch.CURRENCY_MISMATCH;
        }
        return paid.minor() < price.minor() ? PaymentMismatch.AMOUNT_TOO_LOW : null;
    }

    /**
     * Whether a total below the order's amount is a promotion code's discount: the product allows promotion
     * codes, the provider's subtotal is exactly the order's amount, and subtotal - discount + tax + shipping is
     * exactly what was paid (a 100% code pays 0). Anything else stays {@code amount_too_low}.
     */
    private boolean discounted(Order order, PaymentEvent.CheckoutPaid paid) {
        PaymentEvent.Amounts amounts = paid.amounts();
        if (amounts == null || paid.paid() == null || paid.paid().minor() < 0) {
            return false;
        }
        boolean allowed = catalog.find(order.productId()).map(Product::allowPromotionCodes).orElse(false);
        return allowed && amounts.discount() > 0 && amounts.tax() >= 0 && amounts.shipping() >= 0
                && amounts.subtotal() == order.amount().minor() && amounts.explain(paid.paid().minor());
    }

    /** floor(credits x part / whole), in hundredths, exact. */
    static Credits proportion(Credits credits, Money part, Money whole) {
        if (whole.minor() <= 0) {
            return Credits.ZERO;
        }
        long minor = Math.min(part.minor(), whole.minor());
        BigInteger hundredths = BigInteger.valueOf(credits.hundredths()).multiply(BigInteger.valueOf(minor))
                .divide(BigInteger.valueOf(whole.minor()));
        // floor to whole credits: a partial refund never takes back a fraction the user did not buy
        return Credits.ofHundredths(hundredths.longValueExact() / 100 * 100);
    }
}

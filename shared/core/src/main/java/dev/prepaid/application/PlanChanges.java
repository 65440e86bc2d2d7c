package dev.prepaid.application;

import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.Fingerprint;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingEffect;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.LedgerStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a plan change grants (docs/subscriptions.md), for the change-plan route and for the provider's own
 * plan switch (Stripe's billing portal: {@code customer.subscription.updated} with another price) alike:
 * <ul>
 *   <li>an <b>upgrade</b> (the target plan grants more credits a period) grants the difference at once, one
 *   {@code subscription_grant} keyed by subscription, current period and target plan
 *   ({@link EntryIds#planChangeGrant}), so the route and the event post it once between them;</li>
 *   <li>a <b>downgrade</b> grants nothing and takes nothing back, and the record keeps naming the plan whose
 *   credits this period carries: the change takes effect at the period's end, when the renewal, billed at the
 *   new price, grants the new plan's credits (and records it). So going down and back up within a period
 *   grants nothing (the record never left the higher plan), and an upgrade is always measured from the
 *   highest plan granted this period.</li>
 * </ul>
 */
public final class PlanChanges {

    /** What a change did: the credits granted now (zero for a downgrade) and whether they were granted before. */
    public record Result(Subscription subscription, Credits granted, boolean upgrade, boolean replayed,
                         LedgerEntry entry) {
    }

    private final LedgerStore ledger;
    private final ProductCatalog catalog;
    private final Clock clock;

    public PlanChanges(LedgerStore ledger, ProductCatalog catalog, Clock clock) {
        this.ledger = ledger;
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * Applies a change from the plan {@code before} names to {@code target}. {@code before} is the record as
     * it stood before the change (its period end is part of the grant's key).
     */
    public Result apply(Subscription before, Product target) {
        Instant now = clock.instant();
        Credits from = catalog.find(before.productId()).map(Product::credits).orElse(Credits.ZERO);
        Credits difference = target.credits().minus(from);
        if (!difference.isPositive()) {
            return new Result(before, Credits.ZERO, false, false, null);
        }
        Subscription after = before.withProduct(target.id(), now);
        long period = before.currentPeriodEnd() == null ? 0 : before.currentPeriodEnd().getEpochSecond();
        String entryId = EntryIds.planChangeGrant(before.provider(), before.subscriptionId(), period, target.id());
        Posting posting = new Posting(before.userId(), entryId, EntryType.SUBSCRIPTION_GRANT, difference,
                BalanceRule.ALLOW_NEGATIVE, entryId,
                // the key's parts only: a replay from another starting plan returns what was granted, not a conflict
                Fingerprint.of("plan_change", before.provider(), before.subscriptionId(), period, target.id()),
                "upgrade from " + before.productId() + " to " + target.id(), null,
                Map.of("productId", target.id(), "fromProductId", before.productId(), "provider", before.provider(),
                        "subscriptionId", before.subscriptionId(), "reason", "plan_change"),
                now, Optional.empty(),
                List.of(new PostingEffect.RecordSubscription(after), new PostingEffect.SetPlan(target.id())));
        PostingResult result = ledger.post(posting);
        return new Result(after, difference, true, result.replayed(), result.entry());
    }
}

package dev.prepaid.wiring;

import dev.prepaid.adapter.catalog.CatalogFile;
import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditService;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.CreditCommands;
import java.math.BigDecimal;
import java.time.Clock;

/** deduct-credits: the ledger's commands, the grant cap (MAX_GRANT) and the operation prices (the catalog file). */
public final class DeductCreditsWiring {
    /** The template's MaxGrant default, when MAX_GRANT is not set. */
    public static final Credits DEFAULT_MAX_GRANT = Credits.of(1000);
    /** SnapStart priming reads this user's balance: nothing is written. */
    public static final UserId PRIMING_USER = new UserId("snapstart-priming");

    /**
     * @param priming reads a sentinel balance so the SDK, its HTTP client and marshallers warm up in the snapshot
     */
    public record Services(CreditCommands credits, Credits maxGrant, Runnable priming) {
    }

    private DeductCreditsWiring() {
    }

    public static Services services(Env env) {
        // the ledger with its app-event outbox (LOW_CREDITS_THRESHOLD, APP_EVENTS_QUEUE_URL)
        DynamoLedgerStore store = LedgerWiring.ledger(AwsClients.dynamo(env), env, null);
        return new Services(new CreditService(store, pricing(env), Clock.systemUTC()), maxGrant(env),
                () -> store.balance(PRIMING_USER));
    }

    /** The operation prices of the deployment's catalog file (CATALOG / CATALOG_FILE, see CatalogFile). */
    static PricingCatalog pricing(Env env) {
        return CatalogFile.fromEnv(env).operations();
    }

    /** MAX_GRANT: a positive number of credits, {@link #DEFAULT_MAX_GRANT} when not set. */
    public static Credits maxGrant(Env env) {
        String configured = env.optional("MAX_GRANT", null);
        if (configured == null || configured.isBlank()) {
            return DEFAULT_MAX_GRANT;
        }
        try {
            Credits max = Credits.parse(new BigDecimal(configured.trim()), "MAX_GRANT");
            if (!max.isPositive()) {
                throw new IllegalArgumentException("MAX_GRANT must be greater than 0");
            }
            return max;
        } catch (RuntimeException e) {
            throw new IllegalStateException("MAX_GRANT must be a positive number of credits, was " + configured, e);
        }
    }
}

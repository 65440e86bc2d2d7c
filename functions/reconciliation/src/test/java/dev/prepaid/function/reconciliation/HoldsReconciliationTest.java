package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.UserId;
import dev.prepaid.port.in.CreateHoldCommand;
import dev.prepaid.port.out.ReconciliationReport;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reconciliation expires holds past their time exactly once and reports held that is not the sum of active holds. */
class HoldsReconciliationTest {
    private final ReconFixture fx = new ReconFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private String hold(String user, String amount, long ttl) {
        return fx.credits.createHold(new CreateHoldCommand(new UserId(user),
                Credits.parsePositive(new BigDecimal(amount), "amount"), null, null,
                new IdempotencyKey("h-" + UUID.randomUUID()), ttl, null)).hold().holdId();
    }

    private Map<String, AttributeValue> balance(String user) {
        return fx.dynamo.getItem(b -> b.tableName(fx.table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("USER#" + user), "sk", AttributeValue.fromS("BALANCE")))).item();
    }

    @Test
    void expiredHoldsAreReleasedOnceAndHeldIsCheckedAgainstTheActiveHolds() {
        String user = ReconFixture.newUser();
        fx.grant(user, 100_000);
        String expiring = hold(user, "30", 60);
        hold(user, "10", 3600);
        Clock later = Clock.fixed(Instant.now().plusSeconds(120), ZoneOffset.UTC);

        ReconciliationReport first = fx.run(fx.service(ReconFixture.settings(), later));

        assertEquals(1, first.holds().expired(), first.holds().toString());
        assertEquals(List.of(), first.holds().drifts());
        assertEquals("1000", balance(user).get("held").n(), "only the live hold is held");
        assertEquals("expired", fx.dynamo.getItem(b -> b.tableName(fx.table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("HOLD#" + expiring), "sk", AttributeValue.fromS("HOLD")))).item()
                .get("status").s());

        ReconciliationReport second = fx.run(fx.service(ReconFixture.settings(), later));
        assertEquals(0, second.holds().expired(), "expired exactly once");
        assertEquals("1000", balance(user).get("held").n());
    }

    @Test
    void heldThatIsNotTheSumOfActiveHoldsIsReported() {
        String user = ReconFixture.newUser();
        fx.grant(user, 100_000);
        hold(user, "5", 60);
        hold(user, "10", 3600);
        // damage: held raised behind the code's back
        fx.dynamo.updateItem(b -> b.tableName(fx.table).key(Map.of("pk", AttributeValue.fromS("USER#" + user),
                "sk", AttributeValue.fromS("BALANCE"))).updateExpression("SET held = held + :x")
                .expressionAttributeValues(Map.of(":x", AttributeValue.fromN("4200"))));
        Clock later = Clock.fixed(Instant.now().plusSeconds(120), ZoneOffset.UTC);

        ReconciliationReport report = fx.run(fx.service(ReconFixture.settings(), later));

        assertEquals(1, report.holds().expired());
        assertEquals(1, report.holds().drifts().size(), report.holds().toString());
        ReconciliationReport.HeldDrift drift = report.holds().drifts().get(0);
        assertEquals(user, drift.userId());
        assertEquals(5200, drift.held());
        assertEquals(1000, drift.activeHolds());
    }
}

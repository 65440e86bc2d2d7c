package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.prepaid.function.deduct.DeductFixture.Reply;
import dev.prepaid.testing.Events;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * The sample events in events/deduct-credits/ (the ones to use with {@code sam local invoke -e}), read
 * with the Lambda runtime's own serializer, drive the handler through a realistic session.
 */
class EventFixturesTest {

    @Test
    void theSampleEventsTellAStory() {
        DeductFixture fx = new DeductFixture();
        Reply grant = fx.call(fx.handler, Events.load("deduct-credits/grant.json"));
        assertEquals(200, grant.status(), grant.body());
        assertEquals(0, new BigDecimal("100").compareTo(grant.json().get("balance").decimalValue()));

        Reply deduct = fx.call(fx.handler, Events.load("deduct-credits/deduct.json"));
        assertEquals(200, deduct.status(), deduct.body());
        assertEquals("usage#fixture-job-1", deduct.json().get("deductionId").asText());
        assertEquals(0, new BigDecimal("80").compareTo(deduct.json().get("balance").decimalValue()));

        Reply small = fx.call(fx.handler, Events.load("deduct-credits/deduct-amount.json"));
        assertEquals(0, new BigDecimal("77.5").compareTo(small.json().get("balance").decimalValue()), small.body());

        Reply refund = fx.call(fx.handler, Events.load("deduct-credits/refund.json"));
        assertEquals(200, refund.status(), refund.body());
        assertEquals(0, new BigDecimal("97.5").compareTo(refund.json().get("balance").decimalValue()));

        Reply again = fx.call(fx.handler, Events.load("deduct-credits/deduct.json"));
        assertEquals(true, again.json().get("replayed").asBoolean());
    }
}

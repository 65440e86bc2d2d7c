package dev.prepaid.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntryIdsTest {
    private static final IdempotencyKey KEY = new IdempotencyKey("req-1");

    @Test
    void idsAreDerivedFromTheKeyAlone() {
        assertEquals("usage#req-1", EntryIds.usage(KEY));
        assertEquals("adjustment#req-1", EntryIds.adjustment(KEY));
        assertEquals(EntryIds.usage(new IdempotencyKey("req-1")), EntryIds.usage(KEY));
        assertNotEquals(EntryIds.usage(new IdempotencyKey("req-2")), EntryIds.usage(KEY));
        assertNotEquals(EntryIds.usage(KEY), EntryIds.adjustment(KEY));
    }

    @Test
    void refundIds() {
        assertEquals("usage_refund#usage#req-1#", EntryIds.usageRefund("usage#req-1", null));
        assertEquals("usage_refund#usage#req-1#r1", EntryIds.usageRefund("usage#req-1", new IdempotencyKey("r1")));
        assertNotEquals(EntryIds.usageRefund("usage#req-1", new IdempotencyKey("r1")),
                EntryIds.usageRefund("usage#req-1", new IdempotencyKey("r2")));
        assertNotEquals(EntryIds.usageRefund("usage#req-1", null), EntryIds.usageRefund("usage#req-2", null));
        assertEquals("refunded#usage#req-1", EntryIds.refundedCounter("usage#req-1"));
    }

    @Test
    void theKeylessRefundCannotCollideWithAnyClientKey() {
        // "-" is a valid key (printable ASCII): it used to be the keyless refund's segment
        assertNotEquals(EntryIds.usageRefund("usage#req-1", null), EntryIds.usageRefund("usage#req-1", new IdempotencyKey("-")));
        assertEquals("usage_refund#usage#req-1#-", EntryIds.legacyKeylessUsageRefund("usage#req-1"),
                "the id keyless refunds were stored under before: still read for their replay");
        for (char c = 0x21; c <= 0x7E; c++) {
            if (c != '#') {
                assertNotEquals(EntryIds.usageRefund("usage#req-1", null),
                        EntryIds.usageRefund("usage#req-1", new IdempotencyKey(String.valueOf(c))));
            }
        }
    }

    @ParameterizedTest(name = "isUsage({0}) = {1}")
    @CsvSource(value = {
            "usage#req-1,                 true",
            "usage#,                      true",
            "usage,                       false",
            "usage_refund#usage#req-1#-,  false",
            "adjustment#req-1,            false",
            "refunded#usage#req-1,        false",
            "USAGE#req-1,                 false",
            "' usage#req-1',              false",
            "'',                          false",
            "NULL,                        false",
    }, nullValues = "NULL")
    void isUsage(String entryId, boolean expected) {
        assertEquals(expected, EntryIds.isUsage(entryId));
    }
}

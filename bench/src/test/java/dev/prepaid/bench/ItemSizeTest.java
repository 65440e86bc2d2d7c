package dev.prepaid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB's documented sizing rules, as the round-trip benchmark applies them. No timing here. */
class ItemSizeTest {

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    @Test
    void stringsCountNameAndValueBytes() {
        assertEquals(2 + 5, ItemSize.of(Map.of("pk", s("USER#"))));
        assertEquals(1 + 2, ItemSize.of(Map.of("a", s("é")))); // UTF-8: two bytes
    }

    @Test
    void numbersCountOneBytePerTwoSignificantDigitsPlusOne() {
        assertEquals(1 + 1, ItemSize.number("7"));
        assertEquals(2 + 1, ItemSize.number("1234"));
        assertEquals(3 + 1, ItemSize.number("-12345"));
        assertEquals(1 + 1, ItemSize.number("1000")); // trailing zeros do not count
        assertEquals(2 + 1, ItemSize.number("0.0123"));
    }

    @Test
    void mapsAndListsCarryThreeBytesAndOnePerElement() {
        AttributeValue map = AttributeValue.fromM(Map.of("k", s("vv")));
        assertEquals(3 + (1 + 2 + 1), ItemSize.value(map));
        AttributeValue list = AttributeValue.fromL(List.of(s("ab"), AttributeValue.fromBool(true)));
        assertEquals(3 + (2 + 1) + (1 + 1), ItemSize.value(list));
    }

    @Test
    void writesArePerStartedKilobyteAndDoubleInTransactions() {
        assertEquals(1, ItemSize.writeUnits(0, false));
        assertEquals(1, ItemSize.writeUnits(1024, false));
        assertEquals(2, ItemSize.writeUnits(1025, false));
        assertEquals(4, ItemSize.writeUnits(1025, true));
    }

    @Test
    void readsArePerStartedFourKilobytesAndHalfWhenEventuallyConsistent() {
        assertEquals(1, ItemSize.readUnits(0, true));
        assertEquals(0.5, ItemSize.readUnits(4096, false));
        assertEquals(2, ItemSize.readUnits(4097, true));
    }

    @Test
    void indexWritesFollowTheIndexKey() {
        Map<String, AttributeValue> before = new HashMap<>(Map.of("pk", s("E"), "sk", s("E")));
        Map<String, AttributeValue> after = new HashMap<>(before);
        after.put("gsi1pk", s("U"));
        after.put("gsi1sk", s("1"));
        assertEquals(1, ItemSize.indexWriteUnits(null, after)); // new entry in gsi1
        assertEquals(0, ItemSize.indexWriteUnits(null, before)); // in no index
        Map<String, AttributeValue> moved = new HashMap<>(after);
        moved.put("gsi1sk", s("2"));
        assertEquals(2, ItemSize.indexWriteUnits(after, moved)); // key changed: delete + put
        Map<String, AttributeValue> touched = new HashMap<>(after);
        touched.put("note", s("x"));
        assertEquals(1, ItemSize.indexWriteUnits(after, touched)); // same key, item changed
        assertEquals(0, ItemSize.indexWriteUnits(after, new HashMap<>(after))); // nothing changed
        Map<String, AttributeValue> half = new HashMap<>(before);
        half.put("gsi1pk", s("U")); // a sort-key index holds only items with both key attributes
        assertEquals(0, ItemSize.indexWriteUnits(null, half));
    }
}

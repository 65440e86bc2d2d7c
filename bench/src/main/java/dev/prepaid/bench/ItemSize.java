package dev.prepaid.bench;

import dev.prepaid.adapter.out.dynamodb.LedgerTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's documented sizing and capacity rules, for when DynamoDB Local reports no consumed capacity.
 *
 * <ul>
 *   <li>Item size: the sum of attribute name lengths (UTF-8) and value sizes. Strings: UTF-8 bytes.
 *       Numbers: about 1 byte per 2 significant digits, plus 1. Binary: bytes. Boolean and null: 1 byte.
 *       Lists and maps: 3 bytes plus each element, plus 1 byte per element (map keys count as names).</li>
 *   <li>Writes: 1 write request unit per started 1 KB of the item (for an update or a replacing put, the
 *       larger of the item before and after); transactional writes cost 2 per started 1 KB.</li>
 *   <li>Each global secondary index an item is (or was) in: an index write of the item's projected size
 *       (projection ALL here), per started 1 KB; a changed index key costs two (delete the old entry, put
 *       the new). Index writes are charged as standard writes, also when the base write is transactional.</li>
 *   <li>Reads: 1 read request unit per started 4 KB for a strongly consistent read, half for an eventually
 *       consistent one (index queries are always eventually consistent); a query is sized on the sum of the
 *       items it returned, rounded up once. A read of a missing item still costs the minimum.</li>
 * </ul>
 */
public final class ItemSize {
    private static final List<String[]> INDEX_KEYS = List.of(
            new String[] {LedgerTable.GSI1_PK, LedgerTable.GSI1_SK},
            new String[] {LedgerTable.GSI2_PK, LedgerTable.GSI2_SK},
            new String[] {LedgerTable.GSI3_PK, LedgerTable.GSI3_SK},
            new String[] {LedgerTable.GSI4_PK, LedgerTable.GSI4_SK});

    private ItemSize() {
    }

    public static Map<String, AttributeValue> key(Map<String, AttributeValue> item) {
        return Map.of(LedgerTable.PK, item.get(LedgerTable.PK), LedgerTable.SK, item.get(LedgerTable.SK));
    }

    /** Bytes of an item; 0 for an absent item. */
    public static long of(Map<String, AttributeValue> item) {
        if (item == null) {
            return 0;
        }
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + value(e.getValue());
        }
        return size;
    }

    static long value(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return number(v.n());
        }
        if (v.b() != null) {
            return v.b().asByteArray().length;
        }
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToLong(ItemSize::utf8).sum();
        }
        if (v.hasNs()) {
            return v.ns().stream().mapToLong(ItemSize::number).sum();
        }
        if (v.hasBs()) {
            return v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
        }
        if (v.hasM()) {
            long size = 3;
            for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                size += utf8(e.getKey()) + value(e.getValue()) + 1;
            }
            return size;
        }
        if (v.hasL()) {
            long size = 3;
            for (AttributeValue e : v.l()) {
                size += value(e) + 1;
            }
            return size;
        }
        return 0;
    }

    /** About 1 byte per two significant digits, plus 1 (leading and trailing zeros do not count). */
    static long number(String n) {
        String digits = n.toLowerCase().split("e")[0].replace("-", "").replace("+", "").replace(".", "");
        digits = digits.replaceFirst("^0+", "").replaceFirst("0+$", "");
        return (digits.length() + 1) / 2 + 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    public static double writeUnits(long bytes, boolean transactional) {
        long units = Math.max(1, (bytes + 1023) / 1024);
        return transactional ? 2 * units : units;
    }

    public static double readUnits(long bytes, boolean consistent) {
        long units = Math.max(1, (bytes + 4095) / 4096);
        return consistent ? units : units / 2.0;
    }

    /** Standard write units spent on the four GSIs (projection ALL) by a change from {@code before} to {@code after}. */
    public static double indexWriteUnits(Map<String, AttributeValue> before, Map<String, AttributeValue> after) {
        double units = 0;
        for (String[] index : INDEX_KEYS) {
            List<AttributeValue> keyBefore = indexKey(before, index);
            List<AttributeValue> keyAfter = indexKey(after, index);
            if (keyBefore == null && keyAfter == null) {
                continue;
            }
            if (keyBefore == null) {
                units += writeUnits(of(after), false);
            } else if (keyAfter == null) {
                units += writeUnits(of(before), false);
            } else if (!keyBefore.equals(keyAfter)) {
                units += writeUnits(of(before), false) + writeUnits(of(after), false);
            } else if (!Objects.equals(before, after)) {
                units += writeUnits(of(after), false);
            }
        }
        return units;
    }

    private static List<AttributeValue> indexKey(Map<String, AttributeValue> item, String[] index) {
        if (item == null || !item.containsKey(index[0]) || !item.containsKey(index[1])) {
            return null;
        }
        return List.of(item.get(index[0]), item.get(index[1]));
    }
}

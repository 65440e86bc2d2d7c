package dev.prepaid.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FingerprintTest {

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Object[] base() {
        return new Object[] {"usage", new UserId("u1"), 300L, null, ordered("a", "1", "b", "2")};
    }

    @Test
    void isAStableGoldenValue() {
        // Fingerprints are stored on entries: changing the canonical form turns every retry into a 409.
        assertEquals("b447f9e42fc288a5f7ff3056f2e3507f", Fingerprint.of(base()));
        assertEquals("69fc94c033d1f48cef62e24c0833e6ba", Fingerprint.of("a"));
    }

    @Test
    void isThirtyTwoLowercaseHexCharacters() {
        String fp = Fingerprint.of(base());
        assertEquals(32, fp.length());
        assertTrue(fp.matches("[0-9a-f]{32}"), fp);
        assertEquals(fp, Fingerprint.of(base()));
    }

    @Test
    void mapsAreOrderInsensitive() {
        Map<String, Object> hash = new HashMap<>(Map.of("b", "2", "a", "1"));
        Map<String, Object> tree = new TreeMap<>(Map.of("a", "1", "b", "2"));
        String expected = Fingerprint.of("x", ordered("a", "1", "b", "2"));
        assertEquals(expected, Fingerprint.of("x", ordered("b", "2", "a", "1")));
        assertEquals(expected, Fingerprint.of("x", hash));
        assertEquals(expected, Fingerprint.of("x", tree));
        assertEquals(expected, Fingerprint.of("x", Map.of("b", "2", "a", "1")));
    }

    @Test
    void nestedMapsAreOrderInsensitive() {
        assertEquals(
                Fingerprint.of(ordered("outer", ordered("x", "1", "y", "2"), "z", "3")),
                Fingerprint.of(ordered("z", "3", "outer", ordered("y", "2", "x", "1"))));
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("another kind", new Object[] {"adjustment", new UserId("u1"), 300L, null, ordered("a", "1", "b", "2")}),
                Arguments.of("another user", new Object[] {"usage", new UserId("u2"), 300L, null, ordered("a", "1", "b", "2")}),
                Arguments.of("another amount", new Object[] {"usage", new UserId("u1"), 301L, null, ordered("a", "1", "b", "2")}),
                Arguments.of("a description", new Object[] {"usage", new UserId("u1"), 300L, "d", ordered("a", "1", "b", "2")}),
                Arguments.of("a map value", new Object[] {"usage", new UserId("u1"), 300L, null, ordered("a", "1", "b", "3")}),
                Arguments.of("a map key", new Object[] {"usage", new UserId("u1"), 300L, null, ordered("a", "1", "c", "2")}),
                Arguments.of("an extra map entry", new Object[] {"usage", new UserId("u1"), 300L, null, ordered("a", "1", "b", "2", "c", "3")}),
                Arguments.of("an empty map", new Object[] {"usage", new UserId("u1"), 300L, null, Map.of()}),
                Arguments.of("parts swapped", new Object[] {"usage", 300L, new UserId("u1"), null, ordered("a", "1", "b", "2")}),
                Arguments.of("a part missing", new Object[] {"usage", new UserId("u1"), 300L, ordered("a", "1", "b", "2")}),
                Arguments.of("an extra part", new Object[] {"usage", new UserId("u1"), 300L, null, ordered("a", "1", "b", "2"), "x"}));
    }

    @ParameterizedTest(name = "differs on {0}")
    @MethodSource("variants")
    void differsOnAnyPart(String what, Object[] parts) {
        assertNotEquals(Fingerprint.of(base()), Fingerprint.of(parts));
    }

    @Test
    void partBoundariesMatter() {
        assertNotEquals(Fingerprint.of("ab", "c"), Fingerprint.of("a", "bc"));
        assertNotEquals(Fingerprint.of("a"), Fingerprint.of("a", ""));
    }

    @Test
    void mapSyntaxInsideKeysAndValuesCannotForgeOtherMaps() {
        // Metadata is the caller's text: {a: "1;b=2"} is not {a: "1", b: "2"}.
        assertNotEquals(Fingerprint.of(Map.of("a", "1;b=2")), Fingerprint.of(Map.of("a", "1", "b", "2")));
        assertNotEquals(Fingerprint.of(Map.of("a=1;b", "2")), Fingerprint.of(Map.of("a", "1", "b", "2")));
        assertNotEquals(Fingerprint.of(Map.of("a=1;b", "2")), Fingerprint.of(Map.of("a", "1;b=2")));
        assertNotEquals(Fingerprint.of(Map.of("a", "{x=1;}")), Fingerprint.of(Map.of("a", Map.of("x", "1"))));
        assertEquals(Fingerprint.of(Map.of("a", "x;y")), Fingerprint.of(new HashMap<>(Map.of("a", "x;y"))));
    }

    @Test
    void numbersAreCanonicalisedByTheirStringForm() {
        // Callers normalise BigDecimals (stripTrailingZeros) before fingerprinting: 1 and 1.0 differ here.
        assertEquals(Fingerprint.of(new BigDecimal("1.5")), Fingerprint.of(new BigDecimal("1.50").stripTrailingZeros()));
        assertNotEquals(Fingerprint.of(new BigDecimal("1")), Fingerprint.of(new BigDecimal("1.0")));
    }
}

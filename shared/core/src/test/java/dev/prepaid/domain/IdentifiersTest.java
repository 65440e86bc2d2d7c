package dev.prepaid.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** UserId, IdempotencyKey and EntryType: the values that become parts of stored keys or wire fields. */
class IdentifiersTest {

    // --- UserId ---------------------------------------------------------------------------------------------

    static Stream<String> validUserIds() {
        return Stream.of("user-1", "auth0|5f7c8ec7c33c6c004bbafe82", "google-oauth2|1234567890", "a@b.example",
                "a", "x".repeat(UserId.MAX_LENGTH), "é".repeat(UserId.MAX_LENGTH), "josé", "用户42",
                "\uD83D\uDE00smile", "a/b:c=d;e", "~!$%^&*()");
    }

    @ParameterizedTest
    @MethodSource("validUserIds")
    void userIdAcceptsOpaqueValues(String value) {
        UserId id = new UserId(value);
        assertEquals(value, id.value());
        assertEquals(value, id.toString());
    }

    static Stream<Arguments> invalidUserIds() {
        return Stream.of(
                Arguments.of("too long", "x".repeat(UserId.MAX_LENGTH + 1)),
                Arguments.of("space", "a b"),
                Arguments.of("leading space", " a"),
                Arguments.of("trailing space", "a "),
                Arguments.of("tab", "a\tb"),
                Arguments.of("newline", "a\nb"),
                Arguments.of("carriage return", "a\r"),
                Arguments.of("NUL", "a\u0000"),
                Arguments.of("DEL", "a\u007F"),
                Arguments.of("C1 control (NEL)", "a\u0085"),
                Arguments.of("C1 control", "a\u009F"),
                Arguments.of("line separator", "a\u2028b"),
                Arguments.of("ideographic space", "a\u3000b"),
                Arguments.of("no-break space", "a\u00A0b"),
                Arguments.of("narrow no-break space", "a\u202Fb"),
                Arguments.of("hash", "a#b"),
                Arguments.of("only a hash", "#"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUserIds")
    void userIdRefusesWhitespaceControlsHashAndLength(String what, String value) {
        ValidationException e = assertThrows(ValidationException.class, () -> new UserId(value));
        assertEquals("invalid_user_id", e.code());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {
            "lone high surrogate|a\uD800",
            "lone high surrogate first|\uD83Dsmile",
            "lone low surrogate|a\uDC00b",
            "reversed pair|\uDE00\uD83D",
            "two highs|\uD83D\uD83D",
    }, delimiter = '|')
    void userIdRefusesUnpairedSurrogates(String what, String value) {
        // Both spellings below would reach DynamoDB as "a?" (the UTF-8 encoder's replacement): one balance for two ids.
        ValidationException e = assertThrows(ValidationException.class, () -> new UserId(value));
        assertEquals("invalid_user_id", e.code());
        assertEquals("userId is not valid Unicode (an unpaired surrogate)", e.getMessage());
    }

    @Test
    void userIdIsNormalisedToNfcSoEitherSpellingIsOneUser() {
        String nfd = "zoe\u0301";        // e + combining acute accent
        String nfc = "zo\u00E9";         // precomposed e acute
        assertEquals(new UserId(nfc), new UserId(nfd));
        assertEquals(nfc, new UserId(nfd).value());
        assertEquals("\uAC00", new UserId("\u1100\u1161").value(), "Hangul jamo compose");
        assertEquals("\u212B".length(), 1);
        assertEquals("\u00C5", new UserId("\u212B").value(), "the Angstrom sign is its canonical equivalent");
    }

    @Test
    void theLengthLimitAppliesToTheNormalisedId() {
        // 128 decomposed characters are 256 chars before NFC and 128 after: accepted
        assertEquals(UserId.MAX_LENGTH, new UserId("e\u0301".repeat(UserId.MAX_LENGTH)).value().length());
    }

    @ParameterizedTest
    @NullAndEmptySource
    void userIdIsRequired(String value) {
        ValidationException e = assertThrows(ValidationException.class, () -> new UserId(value));
        assertEquals("invalid_user_id", e.code());
        assertEquals("userId is required", e.getMessage());
    }

    // --- IdempotencyKey -------------------------------------------------------------------------------------

    @Test
    void idempotencyKeyAcceptsEveryPrintableAsciiCharacterButHash() {
        String all = IntStream.rangeClosed(0x21, 0x7E).filter(c -> c != '#')
                .mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining());
        assertEquals(93, all.length());
        assertEquals(all, new IdempotencyKey(all).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k", "req-123", "550e8400-e29b-41d4-a716-446655440000", "order_42.retry~1"})
    void idempotencyKeyAcceptsTypicalKeys(String value) {
        IdempotencyKey key = new IdempotencyKey(value);
        assertEquals(value, key.value());
        assertEquals(value, key.toString());
    }

    @Test
    void idempotencyKeyLengthLimitIs255() {
        assertEquals(255, new IdempotencyKey("k".repeat(255)).value().length());
        ValidationException e = assertThrows(ValidationException.class, () -> new IdempotencyKey("k".repeat(256)));
        assertEquals("invalid_idempotency_key", e.code());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {
            "space|a b",
            "leading space| a",
            "hash|a#b",
            "tab|a\tb",
            "NUL|a\u0000",
            "DEL|a\u007F",
            "e acute|cl\u00E9",
            "no-break space|a\u00A0b",
            "CJK|\u952E",
            "emoji|\uD83D\uDE00",
    }, delimiter = '|', ignoreLeadingAndTrailingWhitespace = false)
    void idempotencyKeyRefusesAnythingButPrintableAscii(String what, String value) {
        ValidationException e = assertThrows(ValidationException.class, () -> new IdempotencyKey(value));
        assertEquals("invalid_idempotency_key", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k\uD800", "\uDC00", "key-\uDBFF-x"})
    void idempotencyKeyRefusesUnpairedSurrogatesByName(String value) {
        ValidationException e = assertThrows(ValidationException.class, () -> new IdempotencyKey(value));
        assertEquals("invalid_idempotency_key", e.code());
        assertEquals("idempotencyKey is not valid Unicode (an unpaired surrogate)", e.getMessage());
    }

    @ParameterizedTest
    @NullAndEmptySource
    void idempotencyKeyIsRequired(String value) {
        ValidationException e = assertThrows(ValidationException.class, () -> new IdempotencyKey(value));
        assertEquals("invalid_idempotency_key", e.code());
        assertEquals("idempotencyKey is required", e.getMessage());
    }

    // --- EntryType ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} <-> {1}")
    @CsvSource({
            "PURCHASE,           purchase",
            "SUBSCRIPTION_GRANT, subscription_grant",
            "USAGE,              usage",
            "USAGE_REFUND,       usage_refund",
            "CLAWBACK,           clawback",
            "CLAWBACK_REVERSAL,  clawback_reversal",
            "ADJUSTMENT,         adjustment",
    })
    void entryTypeWireNames(EntryType type, String wire) {
        assertEquals(wire, type.wireName());
        assertEquals(type, EntryType.fromWireName(wire));
    }

    @Test
    void everyEntryTypeIsCoveredByTheWireNameTable() {
        // A new type must be added to the table above (and to the API's documentation).
        assertEquals(7, EntryType.values().length, Arrays.toString(EntryType.values()));
    }

    @ParameterizedTest
    @EnumSource(EntryType.class)
    void wireNamesRoundTrip(EntryType type) {
        assertEquals(type, EntryType.fromWireName(type.wireName()));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"USAGE", "Usage", " usage", "usage ", "refund", "usage-refund", "grant"})
    void unknownWireNamesAreRefused(String value) {
        ValidationException e = assertThrows(ValidationException.class, () -> EntryType.fromWireName(value));
        assertEquals("invalid_type", e.code());
    }
}

package dev.prepaid.port.in;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeductCreditsCommandTest {
    private static final UserId USER = new UserId("user-1");
    private static final IdempotencyKey KEY = new IdempotencyKey("k1");
    private static final Credits THREE = Credits.of(3);

    private static DeductCreditsCommand byAmount(Credits amount) {
        return new DeductCreditsCommand(USER, amount, null, null, KEY, null, null);
    }

    private static DeductCreditsCommand withDescription(String description) {
        return new DeductCreditsCommand(USER, THREE, null, null, KEY, description, null);
    }

    private static DeductCreditsCommand withMetadata(Map<String, String> metadata) {
        return new DeductCreditsCommand(USER, THREE, null, null, KEY, null, metadata);
    }

    private static Map<String, String> entries(int count) {
        Map<String, String> map = new LinkedHashMap<>();
        IntStream.range(0, count).forEach(i -> map.put("k" + i, "v" + i));
        return map;
    }

    private static void assertRefused(String code, Runnable construction) {
        ValidationException e = assertThrows(ValidationException.class, construction::run);
        assertEquals(code, e.code(), e.getMessage());
    }

    @Test
    void byAmountDefaultsParamsAndMetadataToEmpty() {
        DeductCreditsCommand command = byAmount(THREE);
        assertEquals(THREE, command.amount());
        assertNull(command.operation());
        assertEquals(Map.of(), command.params());
        assertEquals(Map.of(), command.metadata());
        assertNull(command.description());
    }

    @Test
    void byOperationKeepsItsParams() {
        DeductCreditsCommand command = new DeductCreditsCommand(USER, null, "video",
                Map.of("durationSeconds", new BigDecimal("10")), KEY, "a clip", Map.of("job", "7"));
        assertEquals("video", command.operation());
        assertEquals(Map.of("durationSeconds", new BigDecimal("10")), command.params());
        assertEquals("a clip", command.description());
        assertEquals(Map.of("job", "7"), command.metadata());
    }

    @Test
    void exactlyOneOfAmountAndOperation() {
        assertRefused("invalid_request", () -> new DeductCreditsCommand(USER, THREE, "image", null, KEY, null, null));
        assertRefused("invalid_request", () -> new DeductCreditsCommand(USER, null, null, null, KEY, null, null));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -300})
    void amountMustBePositive(long hundredths) {
        assertRefused("invalid_amount", () -> byAmount(Credits.ofHundredths(hundredths)));
    }

    @Test
    void paramsGoOnlyWithAnOperation() {
        assertRefused("invalid_request", () -> new DeductCreditsCommand(USER, THREE, null,
                Map.of("quality", "hd"), KEY, null, null));
        assertEquals(Map.of(), new DeductCreditsCommand(USER, THREE, null, Map.of(), KEY, null, null).params());
        assertEquals(Map.of(), new DeductCreditsCommand(USER, null, "image", null, KEY, null, null).params());
    }

    @Test
    void nullParamNamesOrValuesAreAValidationErrorNotANullPointer() {
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("quality", null);
        assertRefused("invalid_params", () -> new DeductCreditsCommand(USER, null, "image", nullValue, KEY, null, null));
        Map<String, Object> nullName = new HashMap<>();
        nullName.put(null, "hd");
        assertRefused("invalid_params", () -> new DeductCreditsCommand(USER, null, "image", nullName, KEY, null, null));
    }

    @Test
    void userAndKeyAreRequired() {
        assertThrows(NullPointerException.class, () -> new DeductCreditsCommand(null, THREE, null, null, KEY, null, null));
        assertThrows(NullPointerException.class, () -> new DeductCreditsCommand(USER, THREE, null, null, null, null, null));
    }

    @Test
    void descriptionLimits() {
        assertEquals(500, withDescription("d".repeat(500)).description().length());
        assertEquals("line one\nline\ttwo", withDescription("line one\nline\ttwo").description());
        assertEquals("", withDescription("").description());
        assertEquals("caf\u00E9 \u2615", withDescription("caf\u00E9 \u2615").description());
        assertRefused("invalid_description", () -> withDescription("d".repeat(501)));
        assertRefused("invalid_description", () -> withDescription("a\u0000b"));
        assertRefused("invalid_description", () -> withDescription("a\rb"));
        assertRefused("invalid_description", () -> withDescription("a\u001Bb"));
        assertRefused("invalid_description", () -> withDescription("a\u0085b"));
    }

    static Stream<Arguments> acceptedMetadata() {
        return Stream.of(
                Arguments.of("20 entries", entries(20)),
                Arguments.of("64-character key", Map.of("k".repeat(64), "v")),
                Arguments.of("500-character value", Map.of("k", "v".repeat(500))),
                Arguments.of("empty value", Map.of("k", "")),
                Arguments.of("underscore inside a key", Map.of("a_b", "v")),
                Arguments.of("newline and tab in a value", Map.of("k", "a\nb\tc")),
                Arguments.of("no entries", Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedMetadata")
    void metadataWithinLimitsIsKept(String what, Map<String, String> metadata) {
        assertEquals(metadata, withMetadata(metadata).metadata());
    }

    static Stream<Arguments> refusedMetadata() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "v");
        return Stream.of(
                Arguments.of("21 entries", entries(21)),
                Arguments.of("65-character key", Map.of("k".repeat(65), "v")),
                Arguments.of("empty key", Map.of("", "v")),
                Arguments.of("reserved key _price", Map.of("_price", "0")),
                Arguments.of("reserved key _reason", Map.of("_reason", "x")),
                Arguments.of("key starting with _", Map.of("_x", "v")),
                Arguments.of("501-character value", Map.of("k", "v".repeat(501))),
                Arguments.of("control character in a value", Map.of("k", "a\u0000")),
                Arguments.of("control character in a key", Map.of("a\u0007", "v")),
                Arguments.of("null value", nullValue),
                Arguments.of("null key", nullKey));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedMetadata")
    void metadataBeyondLimitsIsRefused(String what, Map<String, String> metadata) {
        assertRefused("invalid_metadata", () -> withMetadata(metadata));
    }

    @Test
    void theCommandCopiesItsMapsAndCannotBeChangedAfterValidation() {
        Map<String, String> metadata = new LinkedHashMap<>(Map.of("job", "1"));
        Map<String, Object> params = new HashMap<>(Map.of("quality", "hd"));
        DeductCreditsCommand command = new DeductCreditsCommand(USER, null, "image", params, KEY, null, metadata);
        metadata.put("_price", "0");
        params.put("quality", "4k");
        assertEquals(Map.of("job", "1"), command.metadata());
        assertEquals(Map.of("quality", "hd"), command.params());
        assertThrows(UnsupportedOperationException.class, () -> command.metadata().put("_price", "0"));
        assertThrows(UnsupportedOperationException.class, () -> command.params().put("quality", "4k"));
    }

    @Test
    void metadataKeepsTheCallersOrder() {
        Map<String, String> metadata = new LinkedHashMap<>();
        List.of("z", "a", "m").forEach(k -> metadata.put(k, k));
        assertEquals(List.of("z", "a", "m"), List.copyOf(withMetadata(metadata).metadata().keySet()));
    }
}

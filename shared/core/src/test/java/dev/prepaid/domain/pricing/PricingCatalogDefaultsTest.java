package dev.prepaid.domain.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.ValidationException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped catalog against the seeds' price table. */
class PricingCatalogDefaultsTest {
    private static final PricingCatalog CATALOG = PricingCatalog.defaults();

    private static BigDecimal n(String value) {
        return new BigDecimal(value);
    }

    /** params from alternating name/value pairs; numbers are given as BigDecimal, options as String. */
    static Map<String, Object> params(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void listsTheOperationsOfTheTable() {
        assertEquals(Set.of("image", "video", "audio", "storage", "video_generation", "image_generation"),
                CATALOG.operations());
        assertThrows(UnsupportedOperationException.class, () -> CATALOG.operations().remove("image"));
    }

    static Stream<Arguments> prices() {
        return Stream.of(
                // image 1.0; +50% hd, +100% 4k; quality defaults to standard
                Arguments.of("image", params(), "1"),
                Arguments.of("image", params("quality", "standard"), "1"),
                Arguments.of("image", params("quality", "hd"), "1.5"),
                Arguments.of("image", params("quality", "4k"), "2"),
                // video 5.0, x2 when durationSeconds > 5 (exactly 5 is not)
                Arguments.of("video", params("durationSeconds", n("0")), "5"),
                Arguments.of("video", params("durationSeconds", n("4.5")), "5"),
                Arguments.of("video", params("durationSeconds", n("5")), "5"),
                Arguments.of("video", params("durationSeconds", n("5.000")), "5"),
                Arguments.of("video", params("durationSeconds", n("5.000001")), "10"),
                Arguments.of("video", params("durationSeconds", n("6")), "10"),
                Arguments.of("video", params("durationSeconds", n("1000000")), "10"),
                // audio 0.5 per started 30 s, at least one unit
                Arguments.of("audio", params("durationSeconds", n("0")), "0.5"),
                Arguments.of("audio", params("durationSeconds", n("1")), "0.5"),
                Arguments.of("audio", params("durationSeconds", n("30")), "0.5"),
                Arguments.of("audio", params("durationSeconds", n("30.000001")), "1"),
                Arguments.of("audio", params("durationSeconds", n("31")), "1"),
                Arguments.of("audio", params("durationSeconds", n("60")), "1"),
                Arguments.of("audio", params("durationSeconds", n("61")), "1.5"),
                Arguments.of("audio", params("durationSeconds", n("3600")), "60"),
                // storage 0.01 per GB-month, rounded up
                Arguments.of("storage", params("gb", n("3.5"), "months", n("1")), "0.04"),
                Arguments.of("storage", params("gb", n("1"), "months", n("1")), "0.01"),
                Arguments.of("storage", params("gb", n("0.1"), "months", n("1")), "0.01"),
                Arguments.of("storage", params("gb", n("100"), "months", n("12")), "12"),
                Arguments.of("storage", params("gb", n("2.5"), "months", n("0.5")), "0.02"),
                Arguments.of("storage", params("gb", n("1000000"), "months", n("1")), "10000"),
                // flat operations
                Arguments.of("video_generation", params(), "20"),
                Arguments.of("image_generation", params(), "1"));
    }

    @ParameterizedTest(name = "{0} {1} costs {2}")
    @MethodSource("prices")
    void pricesMatchTheTable(String operation, Map<String, Object> params, String expected) {
        PriceQuote quote = CATALOG.quote(operation, params);
        assertEquals(Credits.parse(n(expected), "expected"), quote.amount());
        assertEquals(operation, quote.operation());
        assertTrue(quote.breakdown().endsWith(" = " + expected), quote.breakdown());
    }

    static Stream<Arguments> breakdowns() {
        return Stream.of(
                Arguments.of("image", params(), "1 = 1"),
                Arguments.of("image", params("quality", "hd"), "1 x 1.5 (quality hd) = 1.5"),
                Arguments.of("image", params("quality", "4k"), "1 x 2 (quality 4k) = 2"),
                Arguments.of("video", params("durationSeconds", n("5")), "5 = 5"),
                Arguments.of("video", params("durationSeconds", n("10")), "5 x 2 (durationSeconds > 5) = 10"),
                Arguments.of("audio", params("durationSeconds", n("30")), "0.5 = 0.5"),
                Arguments.of("audio", params("durationSeconds", n("31")), "0.5 x 2 units = 1"),
                Arguments.of("storage", params("gb", n("3.5"), "months", n("1")), "0.01 x 3.5 units = 0.04"),
                Arguments.of("video_generation", params(), "20 = 20"));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("breakdowns")
    void breakdownExplainsThePrice(String operation, Map<String, Object> params, String expected) {
        assertEquals(expected, CATALOG.quote(operation, params).breakdown());
    }

    @Test
    void quoteRecordsTheParamsItApplied() {
        assertEquals(Map.of("quality", "standard"), CATALOG.quote("image", params()).params());
        Map<String, Object> applied = CATALOG.quote("storage", params("gb", n("3.50"), "months", n("1"))).params();
        assertEquals(Set.of("gb", "months"), applied.keySet());
        assertEquals(0, n("3.5").compareTo((BigDecimal) applied.get("gb")));
        // normalised, so 3.50 and 3.5 name the same request
        assertEquals(applied, CATALOG.quote("storage", params("gb", n("3.5"), "months", n("1.0"))).params());
        assertThrows(UnsupportedOperationException.class, () -> applied.put("x", "y"));
    }

    @Test
    void nullParamsMeanNone() {
        assertEquals(Credits.of(20), CATALOG.quote("video_generation", null).amount());
        ValidationException e = assertThrows(ValidationException.class, () -> CATALOG.quote("video", null));
        assertEquals("params.durationSeconds is required", e.getMessage());
    }

    static Stream<Arguments> badRequests() {
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("durationSeconds", null);
        return Stream.of(
                // unknown operation
                Arguments.of("chat", params(), "unknown_operation", "operation is not in the price catalog"),
                Arguments.of("IMAGE", params(), "unknown_operation", "operation is not in the price catalog"),
                Arguments.of("", params(), "unknown_operation", "operation is not in the price catalog"),
                Arguments.of(null, params(), "unknown_operation", "operation is not in the price catalog"),
                // unknown parameter
                Arguments.of("image", params("size", "large"), "invalid_params", "params.size is not a parameter of image"),
                Arguments.of("video_generation", params("durationSeconds", n("1")), "invalid_params",
                        "params.durationSeconds is not a parameter of video_generation"),
                Arguments.of("video", params("durationSeconds", n("1"), "quality", "hd"), "invalid_params",
                        "params.quality is not a parameter of video"),
                // missing required
                Arguments.of("video", params(), "invalid_params", "params.durationSeconds is required"),
                Arguments.of("video", nullValue, "invalid_params", "params.durationSeconds is required"),
                Arguments.of("audio", params(), "invalid_params", "params.durationSeconds is required"),
                Arguments.of("storage", params("gb", n("1")), "invalid_params", "params.months is required"),
                // wrong types
                Arguments.of("image", params("quality", n("1")), "invalid_params", "params.quality must be a string"),
                Arguments.of("video", params("durationSeconds", "10"), "invalid_params",
                        "params.durationSeconds must be a number"),
                Arguments.of("video", params("durationSeconds", 10), "invalid_params",
                        "params.durationSeconds must be a number"),
                Arguments.of("storage", params("gb", n("1"), "months", 1.0d), "invalid_params",
                        "params.months must be a number"),
                // out of range
                Arguments.of("video", params("durationSeconds", n("-1")), "invalid_params",
                        "params.durationSeconds must be between 0 and 1000000"),
                Arguments.of("audio", params("durationSeconds", n("-0.000001")), "invalid_params",
                        "params.durationSeconds must be between 0 and 1000000"),
                Arguments.of("audio", params("durationSeconds", n("1000000.000001")), "invalid_params",
                        "params.durationSeconds must be between 0 and 1000000"),
                Arguments.of("storage", params("gb", n("1000001"), "months", n("1")), "invalid_params",
                        "params.gb must be between 0 and 1000000"),
                Arguments.of("video", params("durationSeconds", n("1.0000001")), "invalid_params",
                        "params.durationSeconds has too many decimal places"),
                // unknown option value (case-sensitive)
                Arguments.of("image", params("quality", "8k"), "invalid_params",
                        "params.quality must be one of [4k, hd, standard]"),
                Arguments.of("image", params("quality", "HD"), "invalid_params",
                        "params.quality must be one of [4k, hd, standard]"),
                Arguments.of("image", params("quality", ""), "invalid_params",
                        "params.quality must be one of [4k, hd, standard]"),
                // prices that are not a sale
                Arguments.of("storage", params("gb", n("0"), "months", n("12")), "invalid_params",
                        "the operation costs nothing with these params"),
                Arguments.of("storage", params("gb", n("1000000"), "months", n("1000000")), "invalid_params",
                        "the price exceeds 1000000000"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}: {3}")
    @MethodSource("badRequests")
    void badRequestsAreRefused(String operation, Map<String, Object> params, String code, String message) {
        ValidationException e = assertThrows(ValidationException.class, () -> CATALOG.quote(operation, params));
        assertEquals(code, e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void parameterBoundsAreInclusive() {
        assertEquals(Credits.of(10), CATALOG.quote("video", params("durationSeconds", n("1000000"))).amount());
        assertEquals(Credits.of(5), CATALOG.quote("video", params("durationSeconds", n("0.000001"))).amount());
        assertEquals(Credits.of(10), CATALOG.quote("video", params("durationSeconds", n("5.000001000"))).amount());
    }

    @Test
    void defaultsAreTheShippedResource() {
        String text = "image.base = 1.0\nimage.option.quality.standard = 1\nimage.option.quality.hd = 1.5\n"
                + "image.option.quality.4k = 2\nimage.default.quality = standard\n"
                + "video.base = 5.0\nvideo.above.durationSeconds.5 = 2\n"
                + "audio.base = 0.5\naudio.unit = started:durationSeconds:30\n"
                + "storage.base = 0.01\nstorage.unit = product:gb*months\n"
                + "video_generation.base = 20\nimage_generation.base = 1\n";
        PricingCatalog fromText = PricingCatalog.parse(text);
        assertEquals(fromText.operations(), CATALOG.operations());
        prices().forEach(a -> {
            Object[] args = a.get();
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) args[1];
            assertEquals(fromText.quote((String) args[0], p), CATALOG.quote((String) args[0], p));
        });
    }
}

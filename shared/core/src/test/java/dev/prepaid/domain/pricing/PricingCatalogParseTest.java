package dev.prepaid.domain.pricing;

import static dev.prepaid.domain.pricing.PricingCatalogDefaultsTest.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.ValidationException;
import java.math.BigDecimal;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Custom catalogs in the properties syntax, and the malformed ones that must fail at start-up. */
class PricingCatalogParseTest {

    private static final String CHAT = """
            # a chat model priced per started 1000 tokens
            chat.base = 0.25
            chat.unit = started:tokens:1000
            chat.option.model.small = 1
            chat.option.model.large = 4
            chat.default.model = small
            chat.above.tokens.100000 = 1.5

            ! properties comments work too
              translate.base=0.1
            translate.above.chars.2.5 = 3
            volume.base = 0.01
            volume.unit = product:width*height*depth
            """;

    private static BigDecimal n(String value) {
        return new BigDecimal(value);
    }

    private static Credits c(String value) {
        return Credits.parse(n(value), "expected");
    }

    @Test
    void parsesACustomCatalog() {
        PricingCatalog catalog = PricingCatalog.parse(CHAT);
        assertEquals(Set.of("chat", "translate", "volume"), catalog.operations());
    }

    @ParameterizedTest(name = "chat tokens={0} model={1} -> {2}")
    @CsvSource({
            "1,       small,  0.25",
            "1000,    small,  0.25",
            "1001,    small,  0.5",
            "2500,    large,  3",
            "100000,  small,  25",
            "100001,  small,  37.88",
            "200000,  large,  300",
    })
    void customCatalogPrices(String tokens, String model, String expected) {
        PricingCatalog catalog = PricingCatalog.parse(CHAT);
        assertEquals(c(expected), catalog.quote("chat", params("tokens", n(tokens), "model", model)).amount());
    }

    @Test
    void customCatalogDefaultsAndBreakdown() {
        PricingCatalog catalog = PricingCatalog.parse(CHAT);
        PriceQuote quote = catalog.quote("chat", params("tokens", n("200000"), "model", "large"));
        assertEquals("0.25 x 200 units x 4 (model large) x 1.5 (tokens > 100000) = 300", quote.breakdown());
        assertEquals(c("0.25"), catalog.quote("chat", params("tokens", n("10"))).amount());
        assertEquals(c("25"), catalog.quote("chat", params("tokens", n("100000"))).amount());
    }

    @Test
    void decimalThresholdsAndProductsOfThreeParams() {
        PricingCatalog catalog = PricingCatalog.parse(CHAT);
        assertEquals(c("0.1"), catalog.quote("translate", params("chars", n("2.5"))).amount());
        assertEquals(c("0.3"), catalog.quote("translate", params("chars", n("2.51"))).amount());
        assertEquals("0.1 x 3 (chars > 2.5) = 0.3", catalog.quote("translate", params("chars", n("3"))).breakdown());
        assertEquals(c("0.24"), catalog.quote("volume",
                params("width", n("2"), "height", n("3"), "depth", n("4"))).amount());
        ValidationException e = assertThrows(ValidationException.class,
                () -> catalog.quote("volume", params("width", n("2"), "height", n("3"))));
        assertEquals("params.depth is required", e.getMessage());
    }

    @Test
    void anOptionWithoutDefaultIsRequired() {
        PricingCatalog catalog = PricingCatalog.parse("render.base = 2\nrender.option.engine.fast = 1\n"
                + "render.option.engine.best = 3\n");
        assertEquals(c("6"), catalog.quote("render", params("engine", "best")).amount());
        ValidationException e = assertThrows(ValidationException.class, () -> catalog.quote("render", params()));
        assertEquals("invalid_params", e.code());
        assertEquals("params.engine is required", e.getMessage());
    }

    @Test
    void multipliersAreAppliedAndExplainedInAStableOrder() {
        // Four option params: a catalog-order-dependent (hash) iteration would reorder the breakdown run to run.
        PricingCatalog catalog = PricingCatalog.parse("x.base = 1\nx.option.d.s = 7\nx.option.b.q = 3\n"
                + "x.option.a.p = 2\nx.option.c.r = 5\n");
        PriceQuote quote = catalog.quote("x", params("c", "r", "a", "p", "d", "s", "b", "q"));
        assertEquals(c("210"), quote.amount());
        assertEquals("1 x 2 (a p) x 3 (b q) x 5 (c r) x 7 (d s) = 210", quote.breakdown());
    }

    @Test
    void anOptionMultiplierOfOneIsNotExplainedButACrossedThresholdIs() {
        PricingCatalog catalog = PricingCatalog.parse("x.base = 1.5\nx.option.q.same = 1.00\nx.above.n.10 = 1\n");
        assertEquals("1.5 = 1.5", catalog.quote("x", params("q", "same", "n", n("10"))).breakdown());
        assertEquals("1.5 x 1 (n > 10) = 1.5", catalog.quote("x", params("q", "same", "n", n("11"))).breakdown());
    }

    @Test
    void pricesAreRoundedUpNeverDown() {
        PricingCatalog catalog = PricingCatalog.parse("x.base = 0.01\nx.unit = product:a*b\n");
        assertEquals(c("0.01"), catalog.quote("x", params("a", n("0.000001"), "b", n("1"))).amount());
        assertEquals(c("0.02"), catalog.quote("x", params("a", n("1.000001"), "b", n("1"))).amount());
    }

    @Test
    void anEmptyCatalogPricesNothing() {
        PricingCatalog catalog = PricingCatalog.parse("# nothing for sale\n");
        assertTrue(catalog.operations().isEmpty());
        ValidationException e = assertThrows(ValidationException.class, () -> catalog.quote("image", params()));
        assertEquals("unknown_operation", e.code());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "base is not a number           | x.base = abc",
            "base is empty                  | x.base =",
            "base with 3 decimals           | x.base = 0.001",
            "base of zero                   | x.base = 0",
            "negative base                  | x.base = -1",
            "no base                        | x.unit = call",
            "unknown key kind               | x.base = 1\\nx.price = 2",
            "key without a kind             | x = 1",
            "default naming no option       | x.base = 1\\nx.option.q.a = 1\\nx.default.q = b",
            "default of a non-option param  | x.base = 1\\nx.default.q = a",
            "default key too long           | x.base = 1\\nx.option.q.a = 1\\nx.default.q.r = a",
            "option key too short           | x.base = 1\\nx.option.q = 2",
            "option key too long            | x.base = 1\\nx.option.q.a.b = 2",
            "option multiplier not a number | x.base = 1\\nx.option.q.a = two",
            "threshold missing              | x.base = 1\\nx.above.d = 2",
            "threshold not a number         | x.base = 1\\nx.above.d.abc = 2",
            "above multiplier not a number  | x.base = 1\\nx.above.d.5 = double",
            "malformed unit                 | x.base = 1\\nx.unit = per-second",
            "started unit without size      | x.base = 1\\nx.unit = started:d",
            "started unit with bad size     | x.base = 1\\nx.unit = started:d:abc",
            "started unit of size zero      | x.base = 1\\nx.unit = started:d:0",
            "started unit of size 0.0       | x.base = 1\\nx.unit = started:d:0.0",
            "product of one param           | x.base = 1\\nx.unit = product:gb",
            "product with a bad param name  | x.base = 1\\nx.unit = product:g-b*m",
    })
    void malformedCatalogsFailAtParseTime(String what, String text) {
        String catalog = text.replace("\\n", "\n");
        assertThrows(IllegalArgumentException.class, () -> PricingCatalog.parse(catalog), what);
    }

    @Test
    void malformedCatalogErrorsNameTheProblem() {
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> PricingCatalog.parse("x.base = abc"));
        assertEquals("pricing key x.base is not a number: abc", notANumber.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> PricingCatalog.parse("x.base = 1\nx.price = 2"));
        assertEquals("unknown pricing key: x.price", unknown.getMessage());
        IllegalArgumentException decimals = assertThrows(IllegalArgumentException.class,
                () -> PricingCatalog.parse("x.base = 0.001"));
        assertEquals("pricing base for x must be positive with at most 2 decimals", decimals.getMessage());
        IllegalArgumentException noOption = assertThrows(IllegalArgumentException.class,
                () -> PricingCatalog.parse("x.base = 1\nx.option.q.a = 1\nx.default.q = b"));
        assertEquals("pricing default for x.q names no option", noOption.getMessage());
        IllegalArgumentException unit = assertThrows(IllegalArgumentException.class,
                () -> PricingCatalog.parse("x.base = 1\nx.unit = per-second"));
        assertEquals("pricing unit for x is malformed: per-second", unit.getMessage());
    }

    @Test
    void aValidOperationDoesNotExcuseAMalformedOne() {
        assertThrows(IllegalArgumentException.class,
                () -> PricingCatalog.parse("good.base = 1\nbad.base = 1\nbad.unit = started:d:0\n"));
    }
}

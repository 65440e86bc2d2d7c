package dev.prepaid.domain.pricing;

import dev.prepaid.domain.Credits;
import java.util.Map;

/** The price the catalog applied to one operation, with the reasoning a person can check. */
public record PriceQuote(String operation, Map<String, Object> params, Credits amount, String breakdown) {
    public PriceQuote {
        params = Map.copyOf(params);
    }
}

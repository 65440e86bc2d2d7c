package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.events.AppEvent;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The app-webhook items (key prefix {@code APPHOOK#}, docs/data-model.md):
 * <ul>
 *   <li>outbox event {@code pk=APPHOOK#EVENT#<eventId>, sk=EVENT}: the JSON body the app receives, its type and
 *       user; while not yet taken by the delivery function it sits in GSI4's {@code APPHOOK#UNSENT} partition,
 *       ordered by {@code <created or last swept>#<eventId>}, which the sweeper reads;</li>
 *   <li>delivery {@code pk=APPHOOK#EVENT#<eventId>, sk=DELIVERY#<endpointId>}: attempts to one endpoint;</li>
 *   <li>endpoint {@code pk=APPHOOK#ENDPOINTS, sk=ENDPOINT#<endpointId>}: url, events, signing secret.</li>
 * </ul>
 */
public final class AppEventItems {
    public static final String PREFIX = "APPHOOK#";
    static final String EVENT_SK = "EVENT";
    static final String DELIVERY_SK_PREFIX = "DELIVERY#";
    static final String ENDPOINTS_PK = PREFIX + "ENDPOINTS";
    static final String ENDPOINT_SK_PREFIX = "ENDPOINT#";
    /** GSI4 partition of the outbox events not yet taken by the delivery function. */
    static final String UNSENT = PREFIX + "UNSENT";

    private AppEventItems() {
    }

    static String eventPk(String eventId) {
        return PREFIX + "EVENT#" + eventId;
    }

    static Map<String, AttributeValue> eventKey(String eventId) {
        return Map.of(LedgerTable.PK, s(eventPk(eventId)), LedgerTable.SK, s(EVENT_SK));
    }

    static Map<String, AttributeValue> endpointKey(String endpointId) {
        return Map.of(LedgerTable.PK, s(ENDPOINTS_PK), LedgerTable.SK, s(ENDPOINT_SK_PREFIX + endpointId));
    }

    static Map<String, AttributeValue> deliveryKey(String eventId, String endpointId) {
        return Map.of(LedgerTable.PK, s(eventPk(eventId)), LedgerTable.SK, s(DELIVERY_SK_PREFIX + endpointId));
    }

    /** The outbox item the posting's transaction puts (under {@code attribute_not_exists(pk)}). */
    static Map<String, AttributeValue> outboxItem(AppEvent event) {
        Map<String, AttributeValue> item = new HashMap<>(eventKey(event.id()));
        String created = LedgerTable.timestamp(event.created());
        item.put("eventId", s(event.id()));
        item.put("type", s(event.type().wireName()));
        item.put("userId", s(event.userId().value()));
        item.put("sourceId", s(event.sourceId()));
        item.put("created", s(created));
        item.put("body", s(body(event)));
        item.put(LedgerTable.GSI4_PK, s(UNSENT));
        item.put(LedgerTable.GSI4_SK, s(created + "#" + event.id()));
        return item;
    }

    /** What the app receives: {@code {id, type, created (epoch seconds), data}}. */
    public static String body(AppEvent event) {
        ObjectNode node = Json.object();
        node.put("id", event.id());
        node.put("type", event.type().wireName());
        node.put("created", event.created().getEpochSecond());
        ObjectNode data = node.putObject("data");
        event.data().forEach((key, value) -> {
            if (value instanceof BigDecimal number) {
                data.put(key, number);
            } else if (value instanceof Long number) {
                data.put(key, number);
            } else if (value instanceof Integer number) {
                data.put(key, number);
            } else if (value instanceof Boolean flag) {
                data.put(key, flag);
            } else if (value != null) {
                data.put(key, value.toString());
            }
        });
        return node.toString();
    }
}

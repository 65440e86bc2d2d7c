package dev.prepaid.local.template;

import java.util.List;
import java.util.Map;

/**
 * One {@code AWS::Serverless::Function} as the local stack runs it.
 *
 * @param handler      the template's Handler ({@code package.Class::method})
 * @param templateEnvironment Globals.Function.Environment merged with the function's, intrinsics resolved
 * @param environment  what the handler is given: the template's, with the local overrides
 * @param problems     why the function cannot run locally (an unresolvable variable, no Handler); empty when it can
 * @param ignoredEvents events of types the local stack does not run, as "Name (Type)"
 */
public record FunctionSpec(String logicalId, String handler, Map<String, String> templateEnvironment,
                           Map<String, String> environment, List<HttpRoute> routes, List<QueueTrigger> queues,
                           List<ScheduleTrigger> schedules, List<String> ignoredEvents, List<String> problems) {

    public FunctionSpec {
        templateEnvironment = Map.copyOf(templateEnvironment);
        environment = Map.copyOf(environment);
        routes = List.copyOf(routes);
        queues = List.copyOf(queues);
        schedules = List.copyOf(schedules);
        ignoredEvents = List.copyOf(ignoredEvents);
        problems = List.copyOf(problems);
    }

    /** The class part of the Handler. */
    public String handlerClass() {
        int sep = handler == null ? -1 : handler.indexOf("::");
        return sep < 0 ? handler : handler.substring(0, sep);
    }

    /** The method part of the Handler ({@code handleRequest} when the template names none). */
    public String handlerMethod() {
        int sep = handler == null ? -1 : handler.indexOf("::");
        return sep < 0 ? "handleRequest" : handler.substring(sep + 2);
    }

    /** An {@code HttpApi} event: a route of the API (path {@value #DEFAULT}: the catch-all, method ANY). */
    public record HttpRoute(String event, String method, String path, String authorizer, List<String> scopes) {
        /** The path of the API's {@code $default} route (an HttpApi event with neither Path nor Method). */
        public static final String DEFAULT = "$default";

        public HttpRoute {
            scopes = List.copyOf(scopes);
        }

        /** The API's catch-all: it takes every request no other route matches. */
        public boolean isDefault() {
            return DEFAULT.equals(path);
        }

        /** No authorizer: {@code Authorizer: NONE}, or none configured on the API. */
        public boolean isPublic() {
            return authorizer == null;
        }
    }

    /** An {@code SQS} event: the function consumes the queue {@code queue} (a logical id). */
    public record QueueTrigger(String event, String queue, int batchSize, boolean enabled) {
    }

    /** A {@code Schedule} / {@code ScheduleV2} event. {@code input} is the event's Input (JSON) or null. */
    public record ScheduleTrigger(String event, String expression, String input, boolean enabled) {
    }
}

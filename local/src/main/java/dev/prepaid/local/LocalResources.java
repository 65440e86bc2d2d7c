package dev.prepaid.local;

import dev.prepaid.local.template.Intrinsics;
import dev.prepaid.local.template.LocalTemplate;
import dev.prepaid.local.template.SamTemplate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the template's resources are locally, for {@code Ref} and {@code Fn::GetAtt}: a table is its local
 * name (ARN {@code arn:aws:dynamodb:...:table/<name>}), a queue its ElasticMQ URL (and ARN, name), the API
 * the local base URL, a function its logical id; anything else a local placeholder ARN. Tables and queues
 * are known once created; referring to one before is an error.
 */
public final class LocalResources implements Intrinsics.Resources {
    private record Queue(String name, String url, String arn) {
    }

    private final SamTemplate template;
    private final String baseUrl;
    private final Map<String, String> tables = new ConcurrentHashMap<>();
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();

    public LocalResources(SamTemplate template, String baseUrl) {
        this.template = template;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public void table(String logicalId, String name) {
        tables.put(logicalId, name);
    }

    public void queue(String logicalId, String name, String url, String arn) {
        queues.put(logicalId, new Queue(name, url, arn));
    }

    public String queueUrl(String logicalId) {
        Queue queue = queues.get(logicalId);
        return queue == null ? null : queue.url();
    }

    public String queueName(String logicalId) {
        Queue queue = queues.get(logicalId);
        return queue == null ? null : queue.name();
    }

    public String tableName(String logicalId) {
        return tables.get(logicalId);
    }

    @Override
    public Object ref(String logicalId) {
        String type = type(logicalId);
        switch (type) {
            case LocalTemplate.TABLE:
                return table(logicalId);
            case LocalTemplate.QUEUE:
                return queue(logicalId).url();
            case "AWS::Serverless::Function":
            case "AWS::Lambda::Function":
                return logicalId;
            default:
                if (template.isApi(logicalId)) {
                    return "local";
                }
                if (type.equals("AWS::SecretsManager::Secret")) {
                    return "arn:aws:secretsmanager:" + Intrinsics.REGION + ":" + Intrinsics.ACCOUNT + ":secret:" + logicalId;
                }
                return placeholderArn(type, logicalId);
        }
    }

    @Override
    public Object getAtt(String logicalId, String attribute) {
        String type = type(logicalId);
        switch (type) {
            case LocalTemplate.TABLE:
                return switch (attribute) {
                    case "Arn" -> tableArn(table(logicalId));
                    case "StreamArn" -> tableArn(table(logicalId)) + "/stream/local";
                    default -> throw new Intrinsics.UnresolvableException("Fn::GetAtt " + logicalId + "." + attribute + " has no local value");
                };
            case LocalTemplate.QUEUE:
                return switch (attribute) {
                    case "Arn" -> queue(logicalId).arn();
                    case "QueueName" -> queue(logicalId).name();
                    case "QueueUrl" -> queue(logicalId).url();
                    default -> throw new Intrinsics.UnresolvableException("Fn::GetAtt " + logicalId + "." + attribute + " has no local value");
                };
            case "AWS::Serverless::Function":
            case "AWS::Lambda::Function":
                if (attribute.equals("Arn")) {
                    return "arn:aws:lambda:" + Intrinsics.REGION + ":" + Intrinsics.ACCOUNT + ":function:" + logicalId;
                }
                break;
            default:
                if (template.isApi(logicalId)) {
                    return switch (attribute) {
                        case "ApiEndpoint" -> baseUrl;
                        case "ApiId" -> "local";
                        default -> throw new Intrinsics.UnresolvableException("Fn::GetAtt " + logicalId + "." + attribute + " has no local value");
                    };
                }
                if (attribute.equals("Arn") || attribute.endsWith("Arn")) {
                    return placeholderArn(type, logicalId);
                }
                break;
        }
        throw new Intrinsics.UnresolvableException("Fn::GetAtt " + logicalId + "." + attribute + " has no local value");
    }

    private String type(String logicalId) {
        String type = template.type(logicalId);
        return type == null ? (template.isImplicitApi(logicalId) ? "AWS::Serverless::HttpApi" : "unknown") : type;
    }

    private String table(String logicalId) {
        String name = tables.get(logicalId);
        if (name == null) {
            throw new Intrinsics.UnresolvableException("table " + logicalId + " is not created yet");
        }
        return name;
    }

    private Queue queue(String logicalId) {
        Queue queue = queues.get(logicalId);
        if (queue == null) {
            throw new Intrinsics.UnresolvableException("queue " + logicalId + " is not created yet");
        }
        return queue;
    }

    static String tableArn(String name) {
        return "arn:aws:dynamodb:" + Intrinsics.REGION + ":" + Intrinsics.ACCOUNT + ":table/" + name;
    }

    private static String placeholderArn(String type, String logicalId) {
        String service = type.startsWith("AWS::") ? type.substring(5).split("::")[0].toLowerCase(java.util.Locale.ROOT) : "local";
        return "arn:aws:" + service + ":" + Intrinsics.REGION + ":" + Intrinsics.ACCOUNT + ":local/" + logicalId;
    }
}

package dev.prepaid.local;

import com.amazonaws.services.lambda.runtime.Context;
import dev.prepaid.adapter.config.Env;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A function's handler as Lambda's Java runtime calls it: the class the template's Handler names, built
 * through its public static factory {@code fromEnv(Env)} (the local environment), and its handler method
 * ({@code handleRequest} unless the Handler names another) called with an event and a {@link Context}.
 */
public final class HandlerInvoker {
    /** The handler class is not on the classpath, or has no usable constructor or method. */
    public static final class UnavailableException extends Exception {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String functionName;
    private final Object instance;
    private final List<Method> methods;

    private HandlerInvoker(String functionName, Object instance, List<Method> methods) {
        this.functionName = functionName;
        this.instance = instance;
        this.methods = methods;
    }

    /**
     * Loads {@code className} and builds it with {@code env}.
     *
     * @throws UnavailableException the class is missing, has no public static fromEnv(Env) or no such method
     * @throws RuntimeException     whatever the constructor threw (a missing variable, ...)
     */
    public static HandlerInvoker create(String functionName, String className, String methodName, Env env,
                                        ClassLoader loader) throws UnavailableException {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new UnavailableException("class " + className + " is not on the classpath", e);
        } catch (LinkageError e) {
            throw new UnavailableException("class " + className + " cannot be loaded: " + e, e);
        }
        Method factory;
        try {
            factory = type.getMethod("fromEnv", Env.class);
        } catch (NoSuchMethodException e) {
            throw new UnavailableException(className + " has no public static fromEnv(" + Env.class.getName() + ")", e);
        }
        if (!Modifier.isStatic(factory.getModifiers()) || !type.isAssignableFrom(factory.getReturnType())) {
            throw new UnavailableException(className + ".fromEnv(" + Env.class.getName() + ") is not a static factory of "
                    + className, null);
        }
        List<Method> methods = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (method.getName().equals(methodName) && !Modifier.isStatic(method.getModifiers())
                    && method.getParameterCount() >= 1 && method.getParameterCount() <= 3) {
                methods.add(method);
            }
        }
        if (methods.isEmpty()) {
            throw new UnavailableException(className + " has no public method " + methodName, null);
        }
        // The declared signature first (a RequestHandler<I, O> also has a bridge taking Object).
        methods.sort(Comparator.comparing(Method::isBridge));
        Object instance;
        try {
            instance = factory.invoke(null, env);
        } catch (InvocationTargetException e) {
            throw unwrap(e, className + " failed to start");
        } catch (ReflectiveOperationException e) {
            throw new UnavailableException(className + " cannot be instantiated", e);
        }
        return new HandlerInvoker(functionName, instance, methods);
    }

    /** An invoker around an existing object (tests). */
    public static HandlerInvoker of(String functionName, Object instance, String methodName) {
        List<Method> methods = new ArrayList<>();
        for (Method method : instance.getClass().getMethods()) {
            if (method.getName().equals(methodName) && method.getParameterCount() >= 1 && method.getParameterCount() <= 3) {
                methods.add(method);
            }
        }
        methods.sort(Comparator.comparing(Method::isBridge));
        if (methods.isEmpty()) {
            throw new IllegalArgumentException(instance.getClass() + " has no method " + methodName);
        }
        return new HandlerInvoker(functionName, instance, methods);
    }

    public String functionName() {
        return functionName;
    }

    public Object instance() {
        return instance;
    }

    /** The type of event the handler method declares (its first parameter). */
    public Class<?> inputType() {
        return methods.get(0).getParameterTypes()[0];
    }

    /**
     * Calls the handler with {@code event}. A stream handler ({@code (InputStream, OutputStream, Context)})
     * gets {@code event} as bytes (it must be a byte[] or String) and its output is returned as a byte[].
     */
    public Object invoke(Object event, Context context) {
        Objects.requireNonNull(context, "context");
        for (Method method : methods) {
            Class<?>[] params = method.getParameterTypes();
            try {
                if (params.length == 3 && params[0] == InputStream.class && params[1] == OutputStream.class) {
                    byte[] bytes = event instanceof byte[] b ? b : String.valueOf(event).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    method.invoke(instance, new ByteArrayInputStream(bytes), out, context);
                    return out.toByteArray();
                }
                if (event != null && !params[0].isInstance(event)) {
                    continue;
                }
                if (params.length == 1) {
                    return method.invoke(instance, event);
                }
                if (params.length == 2 && params[1].isAssignableFrom(Context.class)) {
                    return method.invoke(instance, event, context);
                }
            } catch (InvocationTargetException e) {
                throw unwrap(e, functionName + " failed");
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(functionName + ": cannot call its handler", e);
            }
        }
        throw new IllegalArgumentException(functionName + "'s handler does not take a "
                + (event == null ? "null" : event.getClass().getSimpleName()));
    }

    /**
     * What the handler itself threw, as Lambda would report it: unchecked exceptions and errors as they are,
     * a checked one wrapped with {@code message}.
     */
    private static RuntimeException unwrap(InvocationTargetException e, String message) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(message, cause);
    }
}

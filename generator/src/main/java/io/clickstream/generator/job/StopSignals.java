package io.clickstream.generator.job;

import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lets a local run act on Ctrl+C (SIGINT) and SIGTERM instead of the JVM dying mid-work: a shutdown
 * hook could not, as the JVM is already exiting and Flink's own hooks are tearing the embedded
 * cluster down beside it. Built on {@code sun.misc.Signal}, the JDK's only way to do this, which
 * lives in the exported {@code jdk.unsupported} module of every JDK the jobs run on; reached
 * reflectively so that the build compiles without warnings about an internal API. Closing restores
 * the handlers that were there before.
 */
public final class StopSignals implements AutoCloseable {

    private static final String[] NAMES = {"INT", "TERM"};

    private final Map<String, Object> previous = new LinkedHashMap<>();

    private StopSignals() {
    }

    /** Runs {@code onStop} with the signal's name ({@code SIGINT}, {@code SIGTERM}) on each of them. */
    public static StopSignals install(java.util.function.Consumer<String> onStop) {
        StopSignals signals = new StopSignals();
        for (String name : NAMES) {
            Object handler = Proxy.newProxyInstance(handlerType().getClassLoader(), new Class<?>[] {handlerType()}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "handle":
                        onStop.accept("SIG" + name);
                        return null;
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    default:
                        return "graceful stop on SIG" + name;
                }
            });
            signals.previous.put(name, swap(name, handler));
        }
        return signals;
    }

    @Override
    public void close() {
        previous.forEach(StopSignals::swap);
    }

    private static Class<?> handlerType() {
        return type("sun.misc.SignalHandler");
    }

    private static Object swap(String name, Object handler) {
        try {
            Class<?> signal = type("sun.misc.Signal");
            return signal.getMethod("handle", signal, handlerType()).invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIG" + name, e);
        }
    }

    private static Class<?> type(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("this JDK has no " + name, e);
        }
    }
}

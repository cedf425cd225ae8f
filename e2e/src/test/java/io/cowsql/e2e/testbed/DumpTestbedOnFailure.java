package io.cowsql.e2e.testbed;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints {@link Testbed#describe} (pods, nodes, container log tails) when a test fails. */
final class DumpTestbedOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Class<?> c = context.getRequiredTestClass();
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Testbed.class) {
                try {
                    f.setAccessible(true);
                    Testbed tb = (Testbed) f.get(null);
                    if (tb != null) {
                        System.err.println("[" + context.getDisplayName() + " failed]\n" + tb.describe(40));
                    }
                } catch (IllegalAccessException | RuntimeException e) {
                    System.err.println("cannot describe the testbed: " + e);
                }
            }
        }
    }
}

package io.cowsql.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The api tier: the operator against a Kubernetes API mock server (no real processes besides the
 * test JVM). It runs by default; {@code -DexcludedGroups=api} leaves it out.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(ApiTier.TAG)
public @interface ApiTier {
    /** The JUnit tag of the tier, as Surefire's {@code groups} / {@code excludedGroups} name it. */
    String TAG = "api";
}

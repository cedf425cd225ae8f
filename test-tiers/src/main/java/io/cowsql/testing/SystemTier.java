package io.cowsql.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The system tier: the test starts real processes (engines, agents, go-cowsql's programs, a control
 * plane and kubelet). It runs by default; {@code -DskipSystemTests=true} (the parent pom's profile
 * excluding the {@value #TAG} tag) leaves it out of a quick run. Put it on the class, or on the
 * methods of a class whose other tests are unit tests.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(SystemTier.TAG)
public @interface SystemTier {
    /** The JUnit tag of the tier, as Surefire's {@code groups} / {@code excludedGroups} name it. */
    String TAG = "system";
}

package io.cowsql.node;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that runs on both engines: on libcowsql in the default run, and again on libdqlite in the
 * surefire execution {@code second-engine-libdqlite} (node-image/pom.xml), which runs only the tests
 * with this tag. It marks the tests whose subject the engine is, or whose answer differs between
 * the engines: the JNA binding and its capability probes, the engine's own role management, the
 * handover at SIGTERM (native on libcowsql, through the client on libdqlite), the dial callback,
 * and the data-dir reader and recovery on files the engine wrote. Every other test exercises the
 * agent's own logic over the client, which is the same on either engine, and runs once, on
 * libcowsql. The list and why: node-image/README.md, "Tests".
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag(BothEngines.TAG)
public @interface BothEngines {
  /** The JUnit tag, as the second engine's surefire execution names it in {@code groups}. */
  String TAG = "both-engines";
}

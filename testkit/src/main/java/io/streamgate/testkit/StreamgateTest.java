package io.streamgate.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An integration test on real parts: the JVM's shared Kafka broker and a fresh Postgres
 * database for the class. Declare a {@link TestEnv} parameter (constructor, lifecycle or
 * test method) to use them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StreamgateExtension.class)
public @interface StreamgateTest {}

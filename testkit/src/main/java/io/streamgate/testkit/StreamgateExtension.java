package io.streamgate.testkit;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Gives each test class a {@link TestEnv}, closed (database dropped) after the class. */
public final class StreamgateExtension implements AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StreamgateExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return env(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestEnv env = context.getStore(NS).remove(key(context), TestEnv.class);
        if (env != null) env.close();
        List<String> violations = SchemaCheckingInterceptor.drainViolations();
        if (!violations.isEmpty()) {
            throw new AssertionError("records written during " + context.getRequiredTestClass().getSimpleName()
                    + " do not match their topic's JSON Schema:\n  " + String.join("\n  ", violations));
        }
    }

    private static TestEnv env(ExtensionContext context) {
        ExtensionContext owner = context;
        while (owner.getTestMethod().isPresent()) owner = owner.getParent().orElseThrow();
        ExtensionContext classContext = owner;
        return classContext.getStore(NS).getOrComputeIfAbsent(key(classContext),
                k -> TestEnv.create(classContext.getRequiredTestClass().getSimpleName()), TestEnv.class);
    }

    private static String key(ExtensionContext context) {
        return "env:" + context.getRequiredTestClass().getName();
    }
}

package io.streamgate.platform.http;

public final class ClientAddress { private ClientAddress() {} public static String of(io.javalin.http.Context ctx) { return ctx.ip(); } }

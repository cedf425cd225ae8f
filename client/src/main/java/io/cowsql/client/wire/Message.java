package io.cowsql.client.wire;

/** One received message: its type, schema byte and body. */
public final class Message {
    private final int type;
    private final int schema;
    private final byte[] body;
    private final int length;

    Message(int type, int schema, byte[] body, int length) {
        this.type = type;
        this.schema = schema;
        this.body = body;
        this.length = length;
    }

    public int type() {
        return type;
    }

    public int schema() {
        return schema;
    }

    public int length() {
        return length;
    }

    public BodyReader reader() {
        return new BodyReader(body, length, Protocol.responseName(type));
    }
}

package io.cowsql.node.engine;

import java.io.IOException;

/**
 * The engine's dial function: connect to a peer's cluster address and return a connected socket's
 * file descriptor, which the engine then owns. Called on an engine thread; may block.
 */
@FunctionalInterface
public interface NodeDialer {
  int dial(String address) throws IOException;
}

package io.cowsql.client;

/**
 * Maps the address a node is known by in the cluster (often a stable DNS name)
 * to the address to dial (for example a pod IP taken from the Kubernetes API).
 * Leader hints and cluster listings keep the cluster's names; only dialling
 * goes through the resolver.
 */
@FunctionalInterface
public interface AddressResolver {
    String resolve(String clusterAddress);

    static AddressResolver identity() {
        return a -> a;
    }
}

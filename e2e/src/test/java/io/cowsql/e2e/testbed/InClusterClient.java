package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Run as a pod: builds a Fabric8 client by auto-configuration alone (in-cluster: service host/port,
 * token and CA as the process kubelet provides them) and lists the pods of its namespace, as an
 * operator pod would. Exit 0 and the count on success.
 */
public final class InClusterClient {
    public static void main(String[] args) {
        try (KubernetesClient c = new KubernetesClientBuilder().build()) {
            String ns = c.getNamespace();
            int n = c.pods().inNamespace(ns).list().getItems().size();
            System.out.println("namespace " + ns + " pods " + n + " server " + c.getMasterUrl());
        }
    }
}

package io.cowsql.e2e.sandbox;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;

import java.nio.file.Path;

/**
 * {@code helm lint --strict} then {@code helm install} of a chart, in a process of its own: helm-java
 * runs Helm's Go code inside the JVM, and Helm's install registers Go signal handlers for SIGINT and
 * SIGTERM that outlive the call, so the JVM that ran it would no longer stop on Ctrl-C.
 *
 * <p>Arguments: CHART_DIR KUBECONFIG NAMESPACE RELEASE [VALUES_FILE] (as {@code helm install -f}). Exit 0 installed,
 * 1 failed (message on stderr).
 */
public final class ChartInstall {
    private ChartInstall() {
    }

    public static void main(String[] args) {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: ChartInstall CHART_DIR KUBECONFIG NAMESPACE RELEASE [VALUES_FILE]");
            System.exit(2);
        }
        Path chart = Path.of(args[0]);
        try {
            LintResult lint = new Helm(chart).lint().strict().call();
            if (lint.isFailed()) {
                System.err.println("helm lint --strict failed: " + lint.getMessages());
                System.exit(1);
            }
            var install = new Helm(chart).install().withName(args[3]).withNamespace(args[2]).createNamespace()
                    .withKubeConfig(Path.of(args[1]));
            if (args.length == 5) {
                install = install.withValuesFile(Path.of(args[4]));
            }
            Release r = install.call();
            System.out.println("installed release " + r.getName() + " (" + r.getStatus() + ") in " + args[2]);
            System.exit(0);
        } catch (RuntimeException e) {
            System.err.println("helm install failed: " + e.getMessage());
            System.exit(1);
        }
    }
}

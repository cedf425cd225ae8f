package io.cowsql.e2e.testbed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps container image names to local commands: the process kubelet's stand-in for pulling and running
 * an image. An entry matches an image by its repository (the part before {@code :tag} or
 * {@code @digest}); an exact {@code repo:tag} entry wins over a repository entry.
 *
 * <p>Kubernetes semantics are kept: a container's {@code command} replaces the entrypoint (its first
 * word may be translated through {@link ImageCommand#commandAliases}, for paths that exist only inside
 * the image), its {@code args} replace the default arguments.
 */
public final class ImageTable {
    /**
     * What an image runs.
     *
     * @param entrypoint     the image's ENTRYPOINT as a local command
     * @param defaultArgs    the image's CMD
     * @param env            extra environment (the image's ENV), below the container's own env
     * @param commandAliases in-image executable -> local command words
     */
    public record ImageCommand(List<String> entrypoint, List<String> defaultArgs, Map<String, String> env,
                               Map<String, List<String>> commandAliases) {
        public ImageCommand {
            entrypoint = List.copyOf(entrypoint);
            defaultArgs = List.copyOf(defaultArgs);
            env = Map.copyOf(env);
            commandAliases = Map.copyOf(commandAliases);
        }

        public static ImageCommand of(List<String> entrypoint) {
            return new ImageCommand(entrypoint, List.of(), Map.of(), Map.of());
        }

        public static ImageCommand of(String... entrypoint) {
            return of(List.of(entrypoint));
        }

        public ImageCommand withDefaultArgs(List<String> args) {
            return new ImageCommand(entrypoint, args, env, commandAliases);
        }

        public ImageCommand withEnv(Map<String, String> e) {
            return new ImageCommand(entrypoint, defaultArgs, e, commandAliases);
        }

        public ImageCommand withCommandAlias(String inImage, List<String> local) {
            Map<String, List<String>> m = new LinkedHashMap<>(commandAliases);
            m.put(inImage, local);
            return new ImageCommand(entrypoint, defaultArgs, env, m);
        }

        /** The argv for a container with the given (possibly empty) command and args. */
        public List<String> argv(List<String> command, List<String> args) {
            List<String> out = new ArrayList<>();
            if (command != null && !command.isEmpty()) {
                List<String> alias = commandAliases.get(command.get(0));
                if (alias != null) {
                    out.addAll(alias);
                } else {
                    out.add(command.get(0));
                }
                out.addAll(command.subList(1, command.size()));
                out.addAll(args == null ? List.of() : args);
            } else {
                out.addAll(entrypoint);
                out.addAll(args == null || args.isEmpty() ? defaultArgs : args);
            }
            return out;
        }
    }

    /** Repository of the node image the operator deploys. */
    public static final String NODE_IMAGE = "cowsql/node";
    /** Repository of the node image as the operator names it by default (NodeDefaults.DEFAULT_IMAGE). */
    public static final String NODE_IMAGE_PUBLISHED = "ghcr.io/cowsql/cowsql-node";
    /** Repository of the operator image. */
    public static final String OPERATOR_IMAGE = "cowsql/operator";
    /** The node agent's executable name inside the node image (also on a container's PATH here). */
    public static final String NODE_AGENT_COMMAND = "cowsql-node";
    /** Repository of the operator image as the Helm chart names it. */
    public static final String OPERATOR_IMAGE_PUBLISHED = "ghcr.io/cowsql/cowsql-operator";
    /** Main class of the node agent (module node-image). */
    public static final String NODE_AGENT_MAIN = "io.cowsql.node.NodeAgent";

    private final Map<String, ImageCommand> entries = new LinkedHashMap<>();

    /** An empty table. */
    public static ImageTable empty() {
        return new ImageTable();
    }

    /**
     * The default table: {@value #NODE_IMAGE} runs the node agent from this build with this JVM's java
     * and the classpath in {@code -Dcowsql.e2e.nodeClasspath} (default: this JVM's classpath), also as
     * the command {@value #NODE_AGENT_COMMAND} and under {@value #NODE_IMAGE_PUBLISHED} (the operator's
     * default image); {@value #OPERATOR_IMAGE} runs {@code java -jar} on
     * {@code -Dcowsql.e2e.operatorJar} (default ../operator/target/quarkus-app/quarkus-run.jar from the
     * working directory, i.e. the e2e module in Maven).
     */
    public static ImageTable defaults() {
        ImageTable t = new ImageTable();
        String cp = System.getProperty("cowsql.e2e.nodeClasspath", System.getProperty("java.class.path"));
        ImageCommand node = nodeAgentCommand(cp);
        node = node.withCommandAlias(NODE_AGENT_COMMAND, node.entrypoint());
        t.put(NODE_IMAGE, node);
        t.put(NODE_IMAGE_PUBLISHED, node);
        // The operator: the Quarkus fast-jar of module operator (-Dcowsql.e2e.operatorJar overrides).
        Path operatorJar = Path.of(System.getProperty("cowsql.e2e.operatorJar",
            "../operator/target/quarkus-app/quarkus-run.jar")).toAbsolutePath().normalize();
        // Pods share the host network: the operator binds its pod IP, not 0.0.0.0.
        ImageCommand operator = ImageCommand.of(javaExecutable(), "-XX:+UseSerialGC", "-jar", operatorJar.toString())
            .withEnv(Map.of("QUARKUS_HTTP_HOST", "$(TESTBED_POD_IP)", "QUARKUS_MANAGEMENT_HOST", "$(TESTBED_POD_IP)"));
        t.put(OPERATOR_IMAGE, operator);
        t.put(OPERATOR_IMAGE_PUBLISHED, operator);
        // -Dcowsql.e2e.image.<repo>=<command words, space separated> adds entries (sandbox, child JVMs).
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("cowsql.e2e.image.")) {
                t.put(k.substring("cowsql.e2e.image.".length()),
                    ImageCommand.of(List.of(System.getProperty(k).trim().split("\\s+"))));
            }
        }
        return t;
    }

    /**
     * The node agent as the image starts it: the image's JVM options file ({@code
     * -Dcowsql.e2e.nodeJvmOptions}, default ../node-image/jvm.options from the working directory, i.e.
     * the e2e module in Maven) and its {@code MALLOC_ARENA_MAX=2}, with this build's classpath, and an
     * explicitly chosen engine library ({@code -Dcowsql.library} or {@code COWSQL_LIBRARY}) passed on.
     */
    public static ImageCommand nodeAgentCommand(String classpath) {
        Path options = Path.of(System.getProperty("cowsql.e2e.nodeJvmOptions", "../node-image/jvm.options"))
            .toAbsolutePath().normalize();
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("MALLOC_ARENA_MAX", "2");
        // An engine chosen explicitly for this run (-Dcowsql.library or COWSQL_LIBRARY, e.g. the second
        // engine) reaches every agent; otherwise the agents load the default engine, as the image does.
        String library = System.getProperty("cowsql.library", System.getenv("COWSQL_LIBRARY"));
        if (library != null && !library.isBlank()) {
            env.put("COWSQL_LIBRARY", library.trim());
        }
        return ImageCommand.of(List.of(javaExecutable(), "@" + options, "-Xshare:auto", "-cp", classpath, NODE_AGENT_MAIN))
            .withEnv(env);
    }

    /** {@code java -cp CP MAIN} with the running JVM's java executable. */
    public static ImageCommand javaCommand(String classpath, String mainClass) {
        return ImageCommand.of(List.of(javaExecutable(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto", "-cp", classpath, mainClass));
    }

    public static String javaExecutable() {
        return ProcessHandle.current().info().command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    }

    /** Adds or replaces an entry for a repository ({@code cowsql/node}) or an exact reference ({@code cowsql/node:1.0}). */
    public synchronized ImageTable put(String image, ImageCommand command) {
        entries.put(image, command);
        return this;
    }

    public synchronized Optional<ImageCommand> lookup(String image) {
        if (image == null) {
            return Optional.empty();
        }
        ImageCommand exact = entries.get(image);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(entries.get(repository(image)));
    }

    /** {@code registry/repo:tag@sha} -> {@code registry/repo}. */
    static String repository(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) {
            s = s.substring(0, colon);
        }
        return s;
    }
}

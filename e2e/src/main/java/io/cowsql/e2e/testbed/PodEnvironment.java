package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Resolves a container's environment and expands {@code $(VAR)} references, as the kubelet does. */
final class PodEnvironment {
    private PodEnvironment() {}

    /** Node capacity reported by the process kubelet; the value of limits.* when a container sets none. */
    static final Map<String, Quantity> NODE_ALLOCATABLE = Map.of(
        "cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "ephemeral-storage", new Quantity("20Gi"),
        "pods", new Quantity("110"));

    /** Values that fieldRef can read. */
    static String fieldRef(Pod pod, String path, String podIp, String hostIp) {
        var md = pod.getMetadata();
        switch (path) {
            case "metadata.name": return md.getName();
            case "metadata.namespace": return md.getNamespace();
            case "metadata.uid": return md.getUid();
            case "metadata.labels": return formatMap(md.getLabels());
            case "metadata.annotations": return formatMap(md.getAnnotations());
            case "spec.nodeName": return pod.getSpec().getNodeName();
            case "spec.serviceAccountName": return pod.getSpec().getServiceAccountName();
            case "status.podIP": case "status.podIPs": return podIp;
            case "status.hostIP": return hostIp;
            default:
                if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
                    return mapGet(md.getLabels(), path.substring(17, path.length() - 2));
                }
                if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
                    return mapGet(md.getAnnotations(), path.substring(22, path.length() - 2));
                }
                throw new IllegalArgumentException("unsupported fieldRef " + path);
        }
    }

    private static String mapGet(Map<String, String> m, String k) {
        return m == null ? "" : m.getOrDefault(k, "");
    }

    /** The downward API file format for labels/annotations: {@code key="value"} lines, sorted. */
    static String formatMap(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(m == null ? Map.of() : m).forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(k).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", "\\n")).append('"');
        });
        return sb.toString();
    }

    static String resourceFieldRef(Pod pod, ResourceFieldSelector sel) {
        Container c = pod.getSpec().getContainers().stream()
            .filter(x -> sel.getContainerName() == null || sel.getContainerName().isEmpty()
                || x.getName().equals(sel.getContainerName()))
            .findFirst().orElseThrow(() -> new IllegalArgumentException("no container " + sel.getContainerName()));
        return resourceFieldRef(c, sel);
    }

    static String resourceFieldRef(Container c, ResourceFieldSelector sel) {
        String res = sel.getResource();
        int dot = res.indexOf('.');
        String kind = res.substring(0, dot);
        String name = res.substring(dot + 1);
        Map<String, Quantity> m = c.getResources() == null ? null
            : "limits".equals(kind) ? c.getResources().getLimits() : c.getResources().getRequests();
        Quantity q = m == null ? null : m.get(name);
        if (q == null && "requests".equals(kind) && c.getResources() != null && c.getResources().getLimits() != null) {
            q = c.getResources().getLimits().get(name);
        }
        if (q == null) {
            q = "requests".equals(kind) && "cpu".equals(name) ? new Quantity("0")
                : NODE_ALLOCATABLE.getOrDefault(name, new Quantity("0"));
        }
        BigDecimal v = q.getNumericalAmount();
        BigDecimal div = sel.getDivisor() == null ? BigDecimal.ONE : sel.getDivisor().getNumericalAmount();
        if (div.signum() == 0) {
            div = BigDecimal.ONE;
        }
        BigDecimal r = v.divide(div, 0, RoundingMode.CEILING);
        if ("cpu".equals(name) && r.signum() == 0 && "requests".equals(kind)) {
            r = BigDecimal.ZERO;
        }
        return r.toPlainString();
    }

    /**
     * The container's environment (without the process kubelet's own variables): envFrom, then env in
     * order, each value expanded against the variables defined before it.
     */
    static Map<String, String> resolve(KubernetesClient client, Pod pod, Container c, String podIp, String hostIp) {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnvFrom() != null) {
            for (EnvFromSource src : c.getEnvFrom()) {
                String prefix = src.getPrefix() == null ? "" : src.getPrefix();
                if (src.getConfigMapRef() != null) {
                    ConfigMap cm = client.configMaps().inNamespace(ns).withName(src.getConfigMapRef().getName()).get();
                    if (cm == null) {
                        if (!Boolean.TRUE.equals(src.getConfigMapRef().getOptional())) {
                            throw new IllegalStateException("configmap " + src.getConfigMapRef().getName() + " not found");
                        }
                    } else if (cm.getData() != null) {
                        cm.getData().forEach((k, v) -> env.put(prefix + k, v));
                    }
                }
                if (src.getSecretRef() != null) {
                    Secret s = client.secrets().inNamespace(ns).withName(src.getSecretRef().getName()).get();
                    if (s == null) {
                        if (!Boolean.TRUE.equals(src.getSecretRef().getOptional())) {
                            throw new IllegalStateException("secret " + src.getSecretRef().getName() + " not found");
                        }
                    } else if (s.getData() != null) {
                        s.getData().forEach((k, v) -> env.put(prefix + k, decode(v)));
                    }
                }
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar e : c.getEnv()) {
                String value;
                EnvVarSource from = e.getValueFrom();
                if (from == null) {
                    value = expand(e.getValue() == null ? "" : e.getValue(), env::get);
                } else if (from.getFieldRef() != null) {
                    ObjectFieldSelector f = from.getFieldRef();
                    value = fieldRef(pod, f.getFieldPath(), podIp, hostIp);
                } else if (from.getResourceFieldRef() != null) {
                    ResourceFieldSelector sel = from.getResourceFieldRef();
                    value = sel.getContainerName() == null || sel.getContainerName().isEmpty()
                        ? resourceFieldRef(c, sel) : resourceFieldRef(pod, sel);
                } else if (from.getConfigMapKeyRef() != null) {
                    var ref = from.getConfigMapKeyRef();
                    ConfigMap cm = client.configMaps().inNamespace(ns).withName(ref.getName()).get();
                    value = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
                    if (value == null) {
                        if (Boolean.TRUE.equals(ref.getOptional())) {
                            continue;
                        }
                        throw new IllegalStateException("configmap key " + ref.getName() + "/" + ref.getKey() + " not found");
                    }
                } else if (from.getSecretKeyRef() != null) {
                    var ref = from.getSecretKeyRef();
                    Secret s = client.secrets().inNamespace(ns).withName(ref.getName()).get();
                    String raw = s == null || s.getData() == null ? null : s.getData().get(ref.getKey());
                    if (raw == null) {
                        if (Boolean.TRUE.equals(ref.getOptional())) {
                            continue;
                        }
                        throw new IllegalStateException("secret key " + ref.getName() + "/" + ref.getKey() + " not found");
                    }
                    value = decode(raw);
                } else {
                    value = "";
                }
                env.put(e.getName(), value);
            }
        }
        return env;
    }

    static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    /**
     * Kubernetes variable expansion: {@code $(NAME)} becomes the variable's value when defined,
     * {@code $$} becomes {@code $}, anything else is left as written.
     */
    static String expand(String s, Function<String, String> vars) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch == '$' && i + 1 < s.length()) {
                char nx = s.charAt(i + 1);
                if (nx == '$') {
                    out.append('$');
                    i += 2;
                    continue;
                }
                if (nx == '(') {
                    int close = s.indexOf(')', i + 2);
                    if (close > 0) {
                        String name = s.substring(i + 2, close);
                        String v = vars.apply(name);
                        if (v != null) {
                            out.append(v);
                        } else {
                            out.append(s, i, close + 1);
                        }
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(ch);
            i++;
        }
        return out.toString();
    }

    static List<String> expandAll(List<String> words, Map<String, String> env) {
        return words == null ? List.of() : words.stream().map(w -> expand(w, env::get)).toList();
    }
}

package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Materialises a pod's volumes as host directories and maps mount paths to them.
 *
 * <p>Processes run on the host, so a container path such as {@code /var/lib/cowsql} cannot exist for
 * every pod at once. Instead each container gets a root directory ({@code TESTBED_POD_ROOT}) where every
 * mount path is a symlink to its volume, and every command word, argument and environment value that
 * names a mount path (whole, or after {@code =}, {@code :} or {@code ,}) is rewritten to the host path.
 */
final class PodVolumes {
    static final String SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

    private final KubernetesClient client;
    private final Path podDir;
    private final Path caFile;
    /** volume name -> host directory (or file, for hostPath files) */
    private final Map<String, Path> volumes = new LinkedHashMap<>();
    private final Map<String, Long> tokenIssued = new LinkedHashMap<>();

    PodVolumes(KubernetesClient client, Path podDir, Path caFile) {
        this.client = client;
        this.podDir = podDir;
        this.caFile = caFile;
    }

    Path volume(String name) {
        return volumes.get(name);
    }

    /** Creates or refreshes every volume (configMap, secret, downward API and token contents included). */
    void sync(Pod pod, String podIp, String hostIp) {
        String ns = pod.getMetadata().getNamespace();
        List<Volume> vols = new ArrayList<>(pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes());
        try {
            for (Volume v : vols) {
                Path dir = podDir.resolve("volumes").resolve(v.getName());
                if (v.getPersistentVolumeClaim() != null) {
                    volumes.put(v.getName(), pvcPath(ns, v.getPersistentVolumeClaim().getClaimName()));
                } else if (v.getHostPath() != null) {
                    Path p = Path.of(v.getHostPath().getPath());
                    String type = v.getHostPath().getType();
                    if ("DirectoryOrCreate".equals(type) || type == null || type.isEmpty()) {
                        if (!Files.exists(p)) {
                            Files.createDirectories(p);
                        }
                    }
                    volumes.put(v.getName(), p);
                } else if (v.getEmptyDir() != null) {
                    volumes.put(v.getName(), Files.createDirectories(dir));
                } else if (v.getConfigMap() != null) {
                    ConfigMap cm = client.configMaps().inNamespace(ns).withName(v.getConfigMap().getName()).get();
                    if (cm == null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                        throw new IllegalStateException("configmap " + v.getConfigMap().getName() + " not found");
                    }
                    Map<String, byte[]> files = new LinkedHashMap<>();
                    addConfigMap(files, cm, v.getConfigMap().getItems());
                    writeFiles(dir, files);
                    volumes.put(v.getName(), dir);
                } else if (v.getSecret() != null) {
                    Secret s = client.secrets().inNamespace(ns).withName(v.getSecret().getSecretName()).get();
                    if (s == null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
                        throw new IllegalStateException("secret " + v.getSecret().getSecretName() + " not found");
                    }
                    Map<String, byte[]> files = new LinkedHashMap<>();
                    addSecret(files, s, v.getSecret().getItems());
                    writeFiles(dir, files);
                    volumes.put(v.getName(), dir);
                } else if (v.getDownwardAPI() != null) {
                    Map<String, byte[]> files = new LinkedHashMap<>();
                    addDownward(files, pod, v.getDownwardAPI().getItems(), podIp, hostIp);
                    writeFiles(dir, files);
                    volumes.put(v.getName(), dir);
                } else if (v.getProjected() != null) {
                    Map<String, byte[]> files = new LinkedHashMap<>();
                    for (VolumeProjection src : v.getProjected().getSources()) {
                        if (src.getConfigMap() != null) {
                            addConfigMap(files, client.configMaps().inNamespace(ns)
                                .withName(src.getConfigMap().getName()).get(), src.getConfigMap().getItems());
                        } else if (src.getSecret() != null) {
                            addSecret(files, client.secrets().inNamespace(ns)
                                .withName(src.getSecret().getName()).get(), src.getSecret().getItems());
                        } else if (src.getDownwardAPI() != null) {
                            addDownward(files, pod, src.getDownwardAPI().getItems(), podIp, hostIp);
                        } else if (src.getServiceAccountToken() != null) {
                            var t = src.getServiceAccountToken();
                            Path existing = dir.resolve(t.getPath());
                            String key = v.getName() + "/" + t.getPath();
                            long exp = t.getExpirationSeconds() == null ? 3600 : t.getExpirationSeconds();
                            if (tokenDue(key, exp) || !Files.exists(existing)) {
                                files.put(t.getPath(), token(pod, t.getAudience(), exp).getBytes(StandardCharsets.UTF_8));
                                tokenIssued.put(key, System.currentTimeMillis());
                            } else {
                                files.put(t.getPath(), Files.readAllBytes(existing));
                            }
                        }
                    }
                    writeFiles(dir, files);
                    volumes.put(v.getName(), dir);
                } else {
                    // Unsupported volume kinds get an empty directory.
                    volumes.put(v.getName(), Files.createDirectories(dir));
                }
            }
            if (automountToken(pod)) {
                Path dir = podDir.resolve("volumes").resolve("kube-api-access");
                Map<String, byte[]> files = new LinkedHashMap<>();
                Path tok = dir.resolve("token");
                if (tokenDue("kube-api-access", 3600) || !Files.exists(tok)) {
                    files.put("token", token(pod, null, 3600).getBytes(StandardCharsets.UTF_8));
                    tokenIssued.put("kube-api-access", System.currentTimeMillis());
                } else {
                    files.put("token", Files.readAllBytes(tok));
                }
                files.put("ca.crt", Files.readAllBytes(caFile));
                files.put("namespace", ns.getBytes(StandardCharsets.UTF_8));
                writeFiles(dir, files);
                volumes.put("kube-api-access", dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean tokenDue(String key, long expirationSeconds) {
        Long at = tokenIssued.get(key);
        return at == null || System.currentTimeMillis() - at > expirationSeconds * 1000 * 8 / 10;
    }

    static boolean automountToken(Pod pod) {
        if (Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken())) {
            return false;
        }
        return pod.getSpec().getContainers().stream().flatMap(c -> c.getVolumeMounts() == null
                ? java.util.stream.Stream.<VolumeMount>empty() : c.getVolumeMounts().stream())
            .noneMatch(m -> SA_MOUNT.equals(m.getMountPath()));
    }

    private String token(Pod pod, String audience, long expirationSeconds) {
        String sa = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
        TokenRequestBuilder b = new TokenRequestBuilder().withNewSpec()
            .withExpirationSeconds(Math.max(600, expirationSeconds)).endSpec();
        if (pod.getSpec().getServiceAccountName() != null && !pod.getSpec().getServiceAccountName().isEmpty()) {
            // Bound to the pod like the real kubelet's tokens (the API server checks the pod's service account;
            // without the ServiceAccount admission plugin an unset name stays unset, so no binding then).
            b.editSpec().withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec();
        }
        if (audience != null && !audience.isEmpty()) {
            b.editSpec().withAudiences(audience).endSpec();
        }
        TokenRequest tr = client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace()).withName(sa)
            .tokenRequest(b.build());
        return tr.getStatus().getToken();
    }

    private Path pvcPath(String ns, String claim) {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
        if (pvc == null || pvc.getSpec().getVolumeName() == null || pvc.getSpec().getVolumeName().isEmpty()) {
            throw new IllegalStateException("PVC " + ns + "/" + claim + " not bound");
        }
        PersistentVolume pv = client.persistentVolumes().withName(pvc.getSpec().getVolumeName()).get();
        if (pv == null) {
            throw new IllegalStateException("PV " + pvc.getSpec().getVolumeName() + " not found");
        }
        if (pv.getSpec().getHostPath() != null) {
            return Path.of(pv.getSpec().getHostPath().getPath());
        }
        if (pv.getSpec().getLocal() != null) {
            return Path.of(pv.getSpec().getLocal().getPath());
        }
        throw new IllegalStateException("PV " + pv.getMetadata().getName() + " is neither hostPath nor local");
    }

    private static void addConfigMap(Map<String, byte[]> files, ConfigMap cm, List<KeyToPath> items) {
        if (cm == null) {
            return;
        }
        Map<String, byte[]> all = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, v) -> all.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, v) -> all.put(k, Base64.getDecoder().decode(v)));
        }
        select(files, all, items);
    }

    private static void addSecret(Map<String, byte[]> files, Secret s, List<KeyToPath> items) {
        if (s == null) {
            return;
        }
        Map<String, byte[]> all = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> all.put(k, Base64.getDecoder().decode(v)));
        }
        select(files, all, items);
    }

    private static void select(Map<String, byte[]> files, Map<String, byte[]> all, List<KeyToPath> items) {
        if (items == null || items.isEmpty()) {
            files.putAll(all);
        } else {
            for (KeyToPath i : items) {
                if (all.containsKey(i.getKey())) {
                    files.put(i.getPath(), all.get(i.getKey()));
                }
            }
        }
    }

    private static void addDownward(Map<String, byte[]> files, Pod pod, List<DownwardAPIVolumeFile> items,
                                    String podIp, String hostIp) {
        if (items == null) {
            return;
        }
        for (DownwardAPIVolumeFile f : items) {
            String v;
            if (f.getFieldRef() != null) {
                v = PodEnvironment.fieldRef(pod, f.getFieldRef().getFieldPath(), podIp, hostIp);
            } else if (f.getResourceFieldRef() != null) {
                v = PodEnvironment.resourceFieldRef(pod, f.getResourceFieldRef());
            } else {
                v = "";
            }
            files.put(f.getPath(), (v == null ? "" : v).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Writes files that changed (atomically, by rename); removes files no longer present. */
    private static void writeFiles(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = dir.resolve(e.getKey()).normalize();
            if (!p.startsWith(dir)) {
                continue;
            }
            if (Files.exists(p) && Arrays.equals(Files.readAllBytes(p), e.getValue())) {
                continue;
            }
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling("." + p.getFileName() + ".tmp");
            Files.write(tmp, e.getValue());
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isRegularFile(p) && !files.containsKey(dir.relativize(p).toString())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** mountPath -> host path for one container's mounts (plus the service-account token mount). */
    Map<String, Path> mounts(Pod pod, List<VolumeMount> mounts) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (mounts != null) {
            for (VolumeMount m : mounts) {
                Path base = volumes.get(m.getName());
                if (base == null) {
                    throw new IllegalStateException("volume " + m.getName() + " not prepared");
                }
                Path p = base;
                if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
                    p = base.resolve(m.getSubPath());
                    try {
                        Files.createDirectories(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                out.put(trimSlash(m.getMountPath()), p);
            }
        }
        if (volumes.containsKey("kube-api-access") && !out.containsKey(SA_MOUNT)) {
            out.put(SA_MOUNT, volumes.get("kube-api-access"));
        }
        return out;
    }

    /** Makes {@code root/<mountPath>} a symlink to each mount's host path. */
    static void linkRoot(Path root, Map<String, Path> mounts) {
        try {
            Files.createDirectories(root);
            for (Map.Entry<String, Path> e : mounts.entrySet()) {
                Path link = root.resolve(e.getKey().substring(1)).normalize();
                if (!link.startsWith(root) || link.equals(root)) {
                    continue;
                }
                Files.createDirectories(link.getParent());
                if (Files.isSymbolicLink(link) || Files.exists(link)) {
                    if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(e.getValue())) {
                        continue;
                    }
                    Files.deleteIfExists(link);
                }
                Files.createSymbolicLink(link, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String trimSlash(String s) {
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /**
     * Rewrites container paths under mount points into host paths, in one pass (a host path that itself
     * starts with another mount path, e.g. a testbed under /tmp and a pod mounting /tmp, is never
     * translated again); the longest mount path wins.
     */
    static String translate(String word, Map<String, Path> mounts) {
        if (word == null || mounts.isEmpty()) {
            return word;
        }
        List<String> keys = new ArrayList<>(mounts.keySet());
        keys.removeIf(k -> k.equals("/") || k.isEmpty());
        if (keys.isEmpty()) {
            return word;
        }
        keys.sort(Comparator.comparingInt(String::length).reversed());
        StringBuilder alt = new StringBuilder();
        for (String k : keys) {
            if (alt.length() > 0) {
                alt.append('|');
            }
            alt.append(Pattern.quote(k));
        }
        Pattern p = Pattern.compile("(^|[=:,\\s])(" + alt + ")(?=$|[/:,\\s])");
        Matcher m = p.matcher(word);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + mounts.get(m.group(2)).toString()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}

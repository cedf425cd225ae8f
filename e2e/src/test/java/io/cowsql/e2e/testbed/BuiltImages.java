package io.cowsql.e2e.testbed;

/** The images of bin/build-images (cached while their inputs are unchanged), by their rows in its table. */
record BuiltImages(String node, String operator) {
    private static BuiltImages built;

    static synchronized BuiltImages get() {
        if (built == null) {
            try {
                String out = SystemTests.run(2400, RealNodesSystemTest.repository().resolve("bin/build-images").toString());
                built = new BuiltImages(row(out, "cowsql-node"), row(out, "cowsql-operator"));
            } catch (Exception e) {
                throw new IllegalStateException("bin/build-images failed", e);
            }
        }
        return built;
    }

    private static String row(String out, String name) {
        return out.lines().map(String::strip).filter(l -> l.matches("\\S+/" + name + ":\\S+\\s.*"))
            .map(l -> l.split("\\s+")[0]).findFirst()
            .orElseThrow(() -> new IllegalStateException("no " + name + " row in bin/build-images' output:\n" + out));
    }
}

package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each checker reports the anomaly it looks for, and a clean history passes all of them (unit tier). */
class CheckersTest {
    /** Builds a history with explicit times (milliseconds). */
    static final class Builder {
        final List<Op> ops = new ArrayList<>();

        Builder op(Op.Type type, int process, String f, String key, Long element, List<Long> read, long millis) {
            return op(type, process, f, key, element, read, null, millis);
        }

        Builder op(Op.Type type, int process, String f, String key, Long element, List<Long> read, String node,
                   long millis) {
            ops.add(new Op(ops.size(), type, process, f, key, element, read, type == Op.Type.OK ? null : "x", node, null,
                null, null, millis * 1_000_000));
            return this;
        }

        /** A set insert invoked at {@code at}, acknowledged by {@code node} at {@code ackAt}. */
        Builder addAckedBy(int process, long element, String node, long at, long ackAt) {
            op(Op.Type.INVOKE, process, "add", "set", element, null, at);
            return op(Op.Type.OK, process, "add", "set", element, null, node, ackAt);
        }

        /** A nemesis step: invoked at {@code at}, in force at {@code at + 1} with the network {@code reach}. */
        Builder nemesis(String f, Map<String, List<String>> reach, long at) {
            ops.add(new Op(ops.size(), Op.Type.INVOKE, Op.NEMESIS, f, null, null, null, null, null, null, null, null,
                at * 1_000_000));
            ops.add(new Op(ops.size(), Op.Type.OK, Op.NEMESIS, f, null, null, null, null, null, f + " " + reach, reach,
                null, (at + 1) * 1_000_000));
            return this;
        }

        /** A look of the membership observer: begun at {@code at}, the configuration with {@code voters} at {@code at + 1}. */
        Builder look(List<String> voters, long at) {
            ops.add(new Op(ops.size(), Op.Type.INVOKE, Op.OBSERVER, "members", null, null, null, null, null, null, null,
                null, at * 1_000_000));
            ops.add(new Op(ops.size(), Op.Type.OK, Op.OBSERVER, "members", null, null, null, null, null, "voters " + voters,
                null, voters, (at + 1) * 1_000_000));
            return this;
        }

        Builder write(int process, String f, String key, long element, Op.Type outcome, List<Long> read, long at) {
            op(Op.Type.INVOKE, process, f, key, element, null, at);
            return op(outcome, process, f, key, element, read, at + 5);
        }

        Builder add(int process, long element, Op.Type outcome, long at) {
            return write(process, "add", "set", element, outcome, null, at);
        }

        Builder append(int process, String key, long element, List<Long> read, long at) {
            return write(process, "append", key, element, Op.Type.OK, read, at);
        }

        Builder finalRead(String key, List<Long> read, long at) {
            op(Op.Type.INVOKE, 99, "final-read", key, null, null, at);
            return op(Op.Type.OK, 99, "final-read", key, null, read, at + 1);
        }

        Builder heal(long at) {
            ops.add(new Op(ops.size(), Op.Type.OK, Op.NEMESIS, "heal", null, null, null, null, null, "all", null, null,
                at * 1_000_000));
            return this;
        }
    }

    static List<Violation> all(Builder b) {
        return Verdict.of(b.ops, Verdict.checkers(Duration.ofSeconds(10))).violations();
    }

    static Builder clean() {
        return new Builder()
            .add(0, 1, Op.Type.OK, 0)
            .add(1, 2, Op.Type.FAIL, 10)
            .add(2, 3, Op.Type.INFO, 20)
            .add(3, 4, Op.Type.INFO, 30)
            .append(0, "l0", 10, List.of(10L), 40)
            .append(1, "l0", 11, List.of(10L, 11L), 50)
            .heal(60)
            .append(0, "l0", 12, List.of(10L, 11L, 12L), 70)
            .add(0, 5, Op.Type.OK, 80)
            .finalRead("set", List.of(1L, 3L, 5L), 100)
            .finalRead("l0", List.of(10L, 11L, 12L), 101);
    }

    @Test
    void aCleanHistoryWithUnknownOutcomesEitherWayPasses() {
        Verdict v = Verdict.of(clean().ops, Verdict.checkers(Duration.ofSeconds(10)));
        assertThat(v.violations()).isEmpty();
        assertThat(v.operations()).isEqualTo(8);
        assertThat(v.ok()).isEqualTo(5);
        assertThat(v.failed()).isEqualTo(1);
        assertThat(v.unknown()).isEqualTo(2);
        assertThat(v.recoveryMillis()).isEqualTo(15);
    }

    @Test
    void anAcknowledgedWriteMissingAtTheEndIsALostWrite() {
        Builder b = new Builder().add(0, 1, Op.Type.OK, 0).add(0, 2, Op.Type.OK, 10).finalRead("set", List.of(2L), 20);
        assertThat(all(b)).extracting(Violation::checker).containsExactly(LostWritesChecker.NAME);
        assertThat(all(b).get(0).message()).contains("acknowledged write of 1", "missing");
    }

    @Test
    void aDefinitelyFailedWriteThatAppearsIsReported() {
        Builder b = new Builder().add(0, 1, Op.Type.FAIL, 0).finalRead("set", List.of(1L), 20);
        assertThat(all(b)).singleElement().satisfies(x -> {
            assertThat(x.checker()).isEqualTo(LostWritesChecker.NAME);
            assertThat(x.message()).contains("failed definitely");
        });
    }

    @Test
    void anElementNoOneWroteAndAWrittenKeyWithoutFinalReadAreReported() {
        Builder b = new Builder().add(0, 1, Op.Type.OK, 0).finalRead("set", List.of(1L, 7L), 20)
            .append(0, "l1", 3, List.of(3L), 30);
        assertThat(new LostWritesChecker().check(b.ops)).extracting(Violation::message)
            .anySatisfy(m -> assertThat(m).contains("holds 7, which no one wrote"))
            .anySatisfy(m -> assertThat(m).contains("key l1", "no final read"));
    }

    @Test
    void aGetAnsweringAnotherValueThanTheOneWrittenIsReported() {
        Builder b = new Builder().write(0, "put", "kv", 5, Op.Type.OK, null, 0)
            .op(Op.Type.INVOKE, 0, "get", "kv", 5L, null, 10).op(Op.Type.OK, 0, "get", "kv", 5L, List.of(6L), 11)
            .op(Op.Type.INVOKE, 0, "get", "kv", 5L, null, 12).op(Op.Type.OK, 0, "get", "kv", 5L, List.of(), 13)
            .finalRead("kv", List.of(5L), 20);
        assertThat(all(b)).singleElement().satisfies(x -> assertThat(x.message()).contains("get of 5", "answered [6]"));
    }

    @Test
    void aListReadThatIsNotAPrefixOfTheFinalListIsDivergence() {
        Builder b = new Builder()
            .append(0, "l0", 1, List.of(1L), 0)
            .append(1, "l0", 2, List.of(2L), 10) // saw a history without 1: another side
            .finalRead("l0", List.of(1L, 2L), 20);
        assertThat(all(b)).singleElement().satisfies(x -> {
            assertThat(x.checker()).isEqualTo(DivergenceChecker.NAME);
            assertThat(x.message()).contains("not a prefix");
        });
    }

    @Test
    void twoReadsThatDisagreeWithoutAFinalReadAreDivergence() {
        Builder b = new Builder()
            .append(0, "l0", 1, List.of(1L), 0)
            .append(1, "l0", 2, List.of(1L, 2L), 10)
            .append(2, "l0", 3, List.of(1L, 3L), 20);
        assertThat(new DivergenceChecker().check(b.ops)).singleElement()
            .satisfies(x -> assertThat(x.message()).contains("op 5"));
    }

    @Test
    void anElementTwiceInASetOrAListIsADuplicate() {
        Builder set = new Builder().add(0, 1, Op.Type.OK, 0).finalRead("set", List.of(1L, 1L), 20);
        assertThat(all(set)).singleElement().satisfies(x -> {
            assertThat(x.checker()).isEqualTo(DivergenceChecker.NAME);
            assertThat(x.message()).contains("duplicate 1");
        });
        Builder list = new Builder().append(0, "l0", 1, List.of(1L), 0).append(0, "l0", 2, List.of(1L, 1L, 2L), 10)
            .finalRead("l0", List.of(1L, 1L, 2L), 20);
        assertThat(all(list)).extracting(Violation::message).allSatisfy(m -> assertThat(m).contains("duplicate 1"))
            .hasSize(2);
    }

    @Test
    void anAppendThatDidNotReadItsOwnElementIsReported() {
        Builder b = new Builder().append(0, "l0", 1, List.of(), 0).finalRead("l0", List.of(1L), 20);
        assertThat(all(b)).singleElement().satisfies(x -> assertThat(x.message()).contains("did not read its own"));
    }

    @Test
    void noAcknowledgedWriteWithinTheBoundAfterTheLastHealIsALivenessViolation() {
        Builder late = new Builder().add(0, 1, Op.Type.OK, 0).heal(100).add(0, 2, Op.Type.FAIL, 200)
            .add(0, 3, Op.Type.OK, 20_000).finalRead("set", List.of(1L, 3L), 20_100);
        Verdict v = Verdict.of(late.ops, Verdict.checkers(Duration.ofSeconds(10)));
        assertThat(v.violations()).singleElement().satisfies(x -> {
            assertThat(x.checker()).isEqualTo(LivenessChecker.NAME);
            assertThat(x.message()).contains("19905 ms");
        });
        assertThat(v.longestUnavailableMillis()).isEqualTo(20_000);
        Builder never = new Builder().add(0, 1, Op.Type.OK, 0).heal(100).add(0, 2, Op.Type.INFO, 200)
            .finalRead("set", List.of(1L), 300);
        assertThat(all(never)).singleElement().satisfies(x -> assertThat(x.message()).contains("no write was acknowledged"));
    }

    @Test
    void theLongestUnavailabilityCountsTheTailAfterTheLastAcknowledgedWrite() {
        Builder b = new Builder().add(0, 1, Op.Type.OK, 0).add(0, 2, Op.Type.OK, 1_000).add(0, 3, Op.Type.INFO, 1_100)
            .add(0, 4, Op.Type.FAIL, 4_000);
        assertThat(LivenessChecker.longestUnavailableNanos(b.ops) / 1_000_000).isEqualTo(3_000);
    }

    static final Map<String, List<String>> HEALED = Map.of("n1", List.of("n1", "n2", "n3"), "n2", List.of("n1", "n2", "n3"),
        "n3", List.of("n1", "n2", "n3"));
    static final Map<String, List<String>> ISOLATED_N1 = Map.of("n1", List.of("n1"), "n2", List.of("n2", "n3"),
        "n3", List.of("n2", "n3"));

    @Test
    void aWriteAcknowledgedOnTheMinoritySideOfAPartitionIsReported() {
        Builder b = new Builder()
            .addAckedBy(0, 1, "n1", 0, 5)
            .nemesis("partition", ISOLATED_N1, 10)
            .addAckedBy(1, 2, "n2", 20, 25) // the majority's side: fine
            .addAckedBy(0, 3, "n1", 30, 35) // the isolated old leader acknowledged: split brain
            .nemesis("heal", HEALED, 40)
            .addAckedBy(0, 4, "n1", 50, 55)
            .finalRead("set", List.of(1L, 2L, 3L, 4L), 100);
        assertThat(all(b)).singleElement().satisfies(x -> {
            assertThat(x.checker()).isEqualTo(MinorityAckChecker.NAME);
            assertThat(x.message()).contains("write of 3", "acknowledged by n1", "n1 reached [n1]",
                "n2, on another side, acknowledged op", "two sides served");
        });
    }

    @Test
    void writesOnBothSidesWhenNeitherSideHasAMajorityAreBothReported() {
        Map<String, List<String>> threeWays = Map.of("n1", List.of("n1"), "n2", List.of("n2"), "n3", List.of("n3"));
        Builder b = new Builder()
            .nemesis("partition", threeWays, 0)
            .addAckedBy(0, 1, "n1", 10, 15)
            .addAckedBy(1, 2, "n3", 20, 25)
            .nemesis("heal", HEALED, 30)
            .finalRead("set", List.of(1L, 2L), 100);
        assertThat(new MinorityAckChecker().check(b.ops)).extracting(Violation::message)
            .satisfiesExactly(m -> assertThat(m).contains("acknowledged by n1", "on another side"),
                m -> assertThat(m).contains("acknowledged by n3", "on another side"));
    }

    @Test
    void acknowledgementsThatMayHaveCommittedOutsideThePartitionOrThroughABridgeAreNotReported() {
        Map<String, List<String>> bridge = Map.of("n1", List.of("n1", "n2"), "n2", List.of("n1", "n2", "n3"),
            "n3", List.of("n2", "n3"));
        Builder b = new Builder()
            .op(Op.Type.INVOKE, 0, "add", "set", 1L, null, 0) // invoked before the cut was in force
            .nemesis("partition", ISOLATED_N1, 10)
            .op(Op.Type.OK, 0, "add", "set", 1L, null, "n1", 15)
            .op(Op.Type.INVOKE, 1, "add", "set", 2L, null, 20)
            .nemesis("heal", HEALED, 40)
            .op(Op.Type.OK, 1, "add", "set", 2L, null, "n1", 45) // acknowledged after the heal was invoked
            .nemesis("partition", bridge, 50)
            .addAckedBy(2, 3, "n1", 60, 65) // an end of a bridge reaches a majority
            .nemesis("heal", HEALED, 70)
            .addAckedBy(2, 4, "n2", 80, 85)
            .finalRead("set", List.of(1L, 2L, 3L, 4L), 100);
        assertThat(all(b)).isEmpty();
        assertThat(MinorityAckChecker.mayAcknowledge(ISOLATED_N1, THREE_VOTERS, "n1")).isFalse();
        assertThat(MinorityAckChecker.mayAcknowledge(ISOLATED_N1, THREE_VOTERS, "n3")).isTrue();
    }

    static final List<String> THREE_VOTERS = List.of("n1", "n2", "n3");

    /** Five members (n4, n5 standbys after a scale-up), {@code side} cut off from the others. */
    static Map<String, List<String>> fiveMembersSplit(List<String> side) {
        List<String> all = List.of("n1", "n2", "n3", "n4", "n5");
        Map<String, List<String>> reach = new java.util.TreeMap<>();
        List<String> rest = all.stream().filter(m -> !side.contains(m)).toList();
        for (String m : all) {
            reach.put(m, side.contains(m) ? side : rest);
        }
        return reach;
    }

    /** Drops the observer's looks: the history as the checker saw it before the voters were recorded. */
    static List<Op> withoutLooks(List<Op> ops) {
        return ops.stream().filter(op -> !op.isObserver()).toList();
    }

    @Test
    void aLeaderWithOnlyStandbysOnItsSideIsReportedByTheRecordedVotersThoughItReachesMostMembers() {
        // n1 (the old leader) with the standbys n4, n5: 3 of 5 members, but 1 of the 3 voters.
        Builder b = new Builder()
            .look(THREE_VOTERS, 0)
            .nemesis("partition", fiveMembersSplit(List.of("n1", "n4", "n5")), 10)
            .look(THREE_VOTERS, 15)
            .addAckedBy(0, 1, "n1", 20, 25)
            .look(THREE_VOTERS, 30)
            .nemesis("heal", fiveMembersSplit(List.of("n1", "n2", "n3", "n4", "n5")), 40)
            .finalRead("set", List.of(1L), 100);
        assertThat(new MinorityAckChecker().check(b.ops)).singleElement().satisfies(x -> assertThat(x.message())
            .contains("write of 1", "acknowledged by n1", "n1 reached [n1, n4, n5]", "voters [n1, n2, n3] (looks op 5 to op 9)"));
        assertThat(new MinorityAckChecker().check(withoutLooks(b.ops))).as("every member taken as a voter").isEmpty();
    }

    @Test
    void aLeaderWithTwoOfThreeVotersIsNotReportedThoughItReachesFewerThanHalfTheMembers() {
        // n1, n2 (voters) against n3 (voter) and the standbys: 2 of 5 members, but 2 of the 3 voters.
        Builder b = new Builder()
            .look(THREE_VOTERS, 0)
            .nemesis("partition", fiveMembersSplit(List.of("n1", "n2")), 10)
            .addAckedBy(0, 1, "n1", 20, 25)
            .addAckedBy(1, 2, "n2", 26, 29) // a key/value write through n2, forwarded to n1
            .look(THREE_VOTERS, 30)
            .nemesis("heal", fiveMembersSplit(List.of("n1", "n2", "n3", "n4", "n5")), 40)
            .finalRead("set", List.of(1L, 2L), 100);
        assertThat(new MinorityAckChecker().check(b.ops)).isEmpty();
        assertThat(new MinorityAckChecker().check(withoutLooks(b.ops))).as("every member taken as a voter")
            .extracting(Violation::message).hasSize(2).allSatisfy(m -> assertThat(m).contains("every member taken as a voter"));
    }

    @Test
    void aWriteIsJudgedByEveryVoterSetThatMayHaveBeenInForceWhileItRan() {
        // n4 replaces n3 as a voter between the looks at 30 and 50; n1 and n4 are on one side.
        List<String> after = List.of("n1", "n2", "n4");
        Builder b = new Builder()
            .look(THREE_VOTERS, 0)
            .nemesis("partition", fiveMembersSplit(List.of("n1", "n4")), 10)
            .look(THREE_VOTERS, 20)
            .addAckedBy(0, 1, "n1", 22, 26) // only the old voters seen around it: 1 of 3
            .look(THREE_VOTERS, 30)
            .addAckedBy(1, 2, "n1", 40, 45) // the change may have come before: 2 of the new 3
            .look(after, 50)
            .addAckedBy(2, 3, "n1", 52, 55) // invoked after the change was seen
            .look(after, 60)
            .nemesis("heal", fiveMembersSplit(List.of("n1", "n2", "n3", "n4", "n5")), 70)
            .finalRead("set", List.of(1L, 2L, 3L), 100);
        assertThat(new MinorityAckChecker().check(b.ops)).singleElement()
            .satisfies(x -> assertThat(x.message()).contains("write of 1 ", "voters [n1, n2, n3]"));
    }

    @Test
    void aVoterWhoseAddressANewIdTookAfterAWipeCountsAsReachedByNoOne() {
        // n2 was wiped and runs again under id 4 at its address; its former id 2 is still a voter. n1 reaches only the
        // new n2 (n3 cut off): 1 of the 3 voters, not 2, however the address answers.
        List<NodeInfo> config = List.of(new NodeInfo(1, "a1", Role.VOTER), new NodeInfo(2, "a2", Role.VOTER),
            new NodeInfo(3, "a3", Role.VOTER), new NodeInfo(4, "a2", Role.SPARE));
        java.util.function.Function<String, String> nameOf = a -> "n" + a.substring(1);
        List<String> voters = MembershipObserver.voterNames(config, nameOf,
            Map.of("n1", List.of(1L), "n2", List.of(2L, 4L), "n3", List.of(3L)));
        assertThat(voters).containsExactly("n1", "n2 (former id 2)", "n3");
        assertThat(MembershipObserver.voterNames(config, nameOf, Map.of("n2", List.of(2L))))
            .as("the new process not seen yet: the address keeps its name").containsExactly("n1", "n2", "n3");
        assertThat(MembershipObserver.voterNames(List.of(new NodeInfo(4, "a2", Role.VOTER)), nameOf,
            Map.of("n2", List.of(2L)))).as("an id never seen at its address is not taken for a former one").containsExactly("n2");

        Map<String, List<String>> n3Cut = Map.of("n1", List.of("n1", "n2"), "n2", List.of("n1", "n2"), "n3", List.of("n3"));
        Builder b = new Builder()
            .look(voters, 0)
            .nemesis("partition", n3Cut, 10)
            .addAckedBy(0, 1, "n1", 20, 25)
            .look(voters, 30)
            .nemesis("heal", HEALED, 40)
            .finalRead("set", List.of(1L), 100);
        assertThat(new MinorityAckChecker().check(b.ops)).singleElement().satisfies(x -> assertThat(x.message())
            .contains("write of 1", "acknowledged by n1", "n1 reached [n1, n2]", "voters [n1, n2 (former id 2), n3]"));
        Builder byAddress = new Builder()
            .look(THREE_VOTERS, 0)
            .nemesis("partition", n3Cut, 10)
            .addAckedBy(0, 1, "n1", 20, 25)
            .look(THREE_VOTERS, 30)
            .nemesis("heal", HEALED, 40)
            .finalRead("set", List.of(1L), 100);
        assertThat(new MinorityAckChecker().check(byAddress.ops)).as("the same voters named by address").isEmpty();
    }

    @Test
    void aHistoryRoundTripsThroughJsonLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.jsonl");
        try (History h = History.writingTo(file)) {
            Op inv = h.invoke(3, "append", "l0", 42L);
            h.complete(inv, Op.Type.OK, 42L, List.of(41L, 42L), null, "n2");
            Op inv2 = h.invoke(4, "add", "set", 7L);
            h.complete(inv2, Op.Type.INFO, 7L, null, "connection reset");
            h.nemesisDone(h.nemesisStart("partition"), "{n1} | {n2 n3}", ISOLATED_N1);
            h.observed(h.observeStart(), THREE_VOTERS, "n1 voter (id 1), n2 voter (id 2), n3 voter (id 3)");
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(8);
        assertThat(lines.get(1)).startsWith("{").contains("\"type\":\"OK\"", "\"read\":[41,42]").doesNotContain("error");
        List<Op> back = History.read(file);
        assertThat(back).hasSize(8);
        assertThat(back.get(1).read()).containsExactly(41L, 42L);
        assertThat(back.get(1).node()).isEqualTo("n2");
        assertThat(back.get(3).error()).isEqualTo("connection reset");
        assertThat(back.get(4).isNemesis()).isTrue();
        assertThat(back.get(4).type()).isEqualTo(Op.Type.INVOKE);
        assertThat(back.get(5).detail()).isEqualTo("{n1} | {n2 n3}");
        assertThat(back.get(5).reach()).isEqualTo(ISOLATED_N1);
        assertThat(back.get(7).isObserver()).isTrue();
        assertThat(back.get(7).voters()).isEqualTo(THREE_VOTERS);
    }

    @Test
    void aMalformedHistoryLineNamesTheFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"index\":0,\"type\":\"OK\",\"process\":0,\"f\":\"add\",\"nanos\":1}\nnot json\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> History.read(file))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }
}

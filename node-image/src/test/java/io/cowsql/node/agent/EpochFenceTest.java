package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochFenceTest {
  private static final Identity EPOCH_0 = new Identity(42, "db-1:9000", "ns/db", true);

  @Test
  void aNewDirStartsAtTheClustersEpoch() {
    assertThat(EpochFence.decide(null, 3, OptionalLong.empty())).isEqualTo(new EpochFence.Start(3, false));
  }

  @Test
  void aDirOfTheCurrentEpochStarts() {
    assertThat(EpochFence.decide(EPOCH_0.withEpoch(2), 2, OptionalLong.of(7))).isEqualTo(new EpochFence.Start(2, false));
    // no epoch published and none recorded: every cluster before recoveries existed
    assertThat(EpochFence.decide(EPOCH_0, 0, OptionalLong.empty())).isEqualTo(new EpochFence.Start(0, false));
  }

  @Test
  void anOlderDirIsNeverStartedUnlessItIsTheTemplate() {
    assertThat(EpochFence.decide(EPOCH_0, 1, OptionalLong.empty())).isInstanceOf(EpochFence.SetAside.class);
    EpochFence.Decision other = EpochFence.decide(EPOCH_0, 1, OptionalLong.of(43));
    assertThat(other).isInstanceOf(EpochFence.SetAside.class);
    assertThat(((EpochFence.SetAside) other).why()).contains("2a", "epoch 0", "epoch 1", "not the recovery's template");
    assertThat(EpochFence.decide(EPOCH_0, 1, OptionalLong.of(42))).isEqualTo(new EpochFence.Start(1, true));
    // the template exemption is for an older dir only: the template of epoch 1 at epoch 2 is old again
    assertThat(EpochFence.decide(EPOCH_0.withEpoch(1), 3, OptionalLong.of(43)))
        .isInstanceOf(EpochFence.SetAside.class);
  }

  @Test
  void aDirNewerThanTheEpochThePodWasGivenIsLeftAlone() {
    EpochFence.Decision d = EpochFence.decide(EPOCH_0.withEpoch(2), 1, OptionalLong.of(42));
    assertThat(d).isInstanceOf(EpochFence.Refuse.class);
    assertThat(((EpochFence.Refuse) d).why()).contains("newer", "nothing was changed");
  }

  @Test
  void settingAsideRenamesTheDirInsideTheVolumeKeepingEveryFile(@TempDir Path volume) throws IOException {
    Path dir = volume.resolve("data");
    Files.createDirectories(dir);
    EPOCH_0.write(dir);
    Files.writeString(dir.resolve("0000000000000001-0000000000000042"), "segment", StandardCharsets.UTF_8);
    Instant now = Instant.parse("2026-01-01T10:00:00Z");

    Path aside = EpochFence.setAside(dir, 0, now);
    assertThat(aside).isEqualTo(volume.resolve("data.epoch0-20260101T100000Z"));
    assertThat(Files.readString(aside.resolve("0000000000000001-0000000000000042"))).isEqualTo("segment");
    assertThat(Identity.read(aside)).isEqualTo(EPOCH_0);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).isEmpty();
    }

    // set aside twice in the same second: a second name, the first copy untouched
    Files.writeString(dir.resolve("metadata1"), "m", StandardCharsets.UTF_8);
    Path second = EpochFence.setAside(dir, 0, now);
    assertThat(second).isEqualTo(volume.resolve("data.epoch0-20260101T100000Z.1"));
    assertThat(Files.exists(aside.resolve("0000000000000001-0000000000000042"))).isTrue();
    assertThat(Files.readString(second.resolve("metadata1"))).isEqualTo("m");
  }

  @Test
  void anIdentityWithoutAnEpochReadsAsEpochZeroAndTheEpochRoundTrips(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(Identity.FILE),
        "{\"id\":\"42\",\"address\":\"db-1:9000\",\"clusterId\":\"ns/db\",\"joined\":true}\n", StandardCharsets.UTF_8);
    assertThat(Identity.read(dir)).isEqualTo(EPOCH_0);
    assertThat(Identity.read(dir).epoch()).isZero();

    EPOCH_0.withEpoch(5).withJoined(false).write(dir);
    assertThat(Identity.read(dir)).isEqualTo(new Identity(42, "db-1:9000", "ns/db", false, 5));

    Files.writeString(dir.resolve(Identity.FILE),
        "{\"id\":\"42\",\"address\":\"db-1:9000\",\"epoch\":-1}\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Identity.read(dir)).isInstanceOf(IOException.class).hasMessageContaining("bad epoch");
  }
}

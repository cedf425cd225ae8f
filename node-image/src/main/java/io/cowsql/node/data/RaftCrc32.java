package io.cowsql.node.data;

/**
 * The checksum raft uses in segment files: CRC-32 with polynomial 0x04C11DB7, MSB first, initial
 * value 0 and no final inversion (libiberty's crc32), not the reflected zlib CRC32.
 */
final class RaftCrc32 {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i << 24;
      for (int k = 0; k < 8; k++) {
        c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
      }
      TABLE[i] = c;
    }
  }

  private RaftCrc32() {}

  static long of(byte[] b, int off, int len) {
    int crc = 0;
    for (int i = off; i < off + len; i++) {
      crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b[i]) & 0xff];
    }
    return Integer.toUnsignedLong(crc);
  }
}

package io.kupgrade.agent;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps a command's output in bounded memory: the first quarter of the budget and the last three quarters,
 * with a marker counting what was dropped between (the end is where a start script's error usually is).
 * Thread-safe.
 */
final class BoundedOutput extends OutputStream {
    private final int headBytes;
    private final byte[] tail;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private int tailStart;
    private int tailLength;
    private long omitted;

    BoundedOutput(int budget) {
        this.headBytes = budget / 4;
        this.tail = new byte[budget - headBytes];
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int toHead = Math.min(len, headBytes - head.size());
        if (toHead > 0) {
            head.write(b, off, toHead);
            off += toHead;
            len -= toHead;
        }
        for (int i = 0; i < len; i++) {
            if (tailLength < tail.length) {
                tail[(tailStart + tailLength) % tail.length] = b[off + i];
                tailLength++;
            } else {
                tail[tailStart] = b[off + i];
                tailStart = (tailStart + 1) % tail.length;
                omitted++;
            }
        }
    }

    synchronized String text() {
        StringBuilder out = new StringBuilder(head.toString(StandardCharsets.UTF_8));
        if (omitted > 0) {
            out.append("\n[... ").append(omitted).append(" bytes of output omitted ...]\n");
        }
        byte[] ordered = new byte[tailLength];
        for (int i = 0; i < tailLength; i++) {
            ordered[i] = tail[(tailStart + i) % tail.length];
        }
        return out.append(new String(ordered, StandardCharsets.UTF_8)).toString();
    }
}

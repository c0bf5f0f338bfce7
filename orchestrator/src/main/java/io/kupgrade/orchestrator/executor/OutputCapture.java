package io.kupgrade.orchestrator.executor;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a command's output in bounded memory: the first {@code headBytes} and the last {@code tailBytes}
 * are kept, what lies between is counted and replaced by a one-line marker. A broker start script that
 * prints a megabyte of log must not fill the heap, and the end of the output is where the error usually is.
 * Thread-safe (one writer thread and a reader calling {@link #text()} concurrently).
 */
public final class OutputCapture extends OutputStream {
    /** Default budget per stream: 16 KiB head plus 48 KiB tail. */
    public static final int DEFAULT_HEAD_BYTES = 16 * 1024;
    public static final int DEFAULT_TAIL_BYTES = 48 * 1024;

    private final int headBytes;
    private final byte[] tail;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private int tailStart;
    private int tailLength;
    private long omitted;

    public OutputCapture() {
        this(DEFAULT_HEAD_BYTES, DEFAULT_TAIL_BYTES);
    }

    public OutputCapture(int headBytes, int tailBytes) {
        if (headBytes < 0 || tailBytes < 0) {
            throw new IllegalArgumentException("budgets must not be negative");
        }
        this.headBytes = headBytes;
        this.tail = new byte[tailBytes];
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
            if (tail.length == 0) {
                omitted++;
                continue;
            }
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

    /** Total bytes that were dropped from the middle. */
    public synchronized long omittedBytes() {
        return omitted;
    }

    /** The kept output as UTF-8 text, with a marker where bytes were dropped. */
    public synchronized String text() {
        StringBuilder out = new StringBuilder(head.toString(StandardCharsets.UTF_8));
        if (omitted > 0) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
            out.append("[... ").append(omitted).append(" bytes of output omitted ...]\n");
        }
        byte[] ordered = new byte[tailLength];
        for (int i = 0; i < tailLength; i++) {
            ordered[i] = tail[(tailStart + i) % tail.length];
        }
        out.append(new String(ordered, StandardCharsets.UTF_8));
        return out.toString();
    }
}

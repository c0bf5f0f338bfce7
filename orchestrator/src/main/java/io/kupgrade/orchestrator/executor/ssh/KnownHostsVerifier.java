package io.kupgrade.orchestrator.executor.ssh;

import io.kupgrade.orchestrator.executor.HostKeyRejectedException;
import java.io.File;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Checks host keys against an OpenSSH known_hosts file (hashed names, {@code [host]:port}, markers, as
 * OpenSSH reads them) and refuses anything else: no "accept new", no "accept all". A rejection is kept so
 * that the executor can report it as a {@link HostKeyRejectedException} instead of SSHJ's generic
 * transport error. One instance per connection attempt (the file is re-read each time, so a fix by the
 * operator takes effect without a restart).
 */
final class KnownHostsVerifier extends OpenSSHKnownHosts {
    private final File file;
    private volatile HostKeyRejectedException rejection;

    KnownHostsVerifier(File file) throws IOException {
        super(file);
        this.file = file;
    }

    @Override
    protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
        rejection = new HostKeyRejectedException("host key of " + hostname + " is not in known_hosts " + file
                + ": the host presents " + describe(key) + ". Check that fingerprint with the host's owner, then add "
                + "the key to " + file + " (nothing was run on the host)", false);
        return false;
    }

    @Override
    protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
        rejection = new HostKeyRejectedException("HOST KEY CHANGED for " + hostname + ": known_hosts " + file
                + " has a different key, the host now presents " + describe(key) + ". Either the host was "
                + "reinstalled or someone is intercepting the connection; refusing to connect until known_hosts "
                + "is corrected (nothing was run on the host)", true);
        return false;
    }

    HostKeyRejectedException rejection() {
        return rejection;
    }

    /** {@code ecdsa-sha2-nistp256 SHA256:...}, the fingerprint as {@code ssh-keygen -l} prints it. */
    static String describe(PublicKey key) {
        return KeyType.fromKey(key) + " key " + fingerprint(key);
    }

    static String fingerprint(PublicKey key) {
        byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}

/**
 * Load for tests that must prove nothing is lost: {@link io.kupgrade.sandbox.load.NumberedLoad} writes numbered
 * records with {@code acks=all} and idempotence, {@link io.kupgrade.sandbox.load.Verifier} reads them back.
 */
package io.kupgrade.sandbox.load;

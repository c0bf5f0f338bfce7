/** JUnit 5 support: {@link io.kupgrade.sandbox.junit.RealKafka} gives a test class a real cluster. */
package io.kupgrade.sandbox.junit;

/** kupgrade orchestrator. */
package io.kupgrade.orchestrator;

/** kupgrade health-gates. */
package io.kupgrade.gates;

/** kupgrade sandbox. */
package io.kupgrade.sandbox;

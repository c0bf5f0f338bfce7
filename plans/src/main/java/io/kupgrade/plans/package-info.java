/** kupgrade plans. */
package io.kupgrade.plans;

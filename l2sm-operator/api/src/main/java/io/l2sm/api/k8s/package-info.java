/**
 * Helpers over Kubernetes objects that every part shares: status conditions as the API conventions
 * describe them.
 */
package io.l2sm.api.k8s;

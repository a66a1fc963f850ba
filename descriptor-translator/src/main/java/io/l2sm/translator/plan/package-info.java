/**
 * The translation's result: the networks a network service needs and each KNF's attachments to
 * them, independent of how they are rendered.
 */
package io.l2sm.translator.plan;

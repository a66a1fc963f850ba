/** Synthetic network services of a chosen size, for the translation benchmark. */
package io.l2sm.translator.bench;

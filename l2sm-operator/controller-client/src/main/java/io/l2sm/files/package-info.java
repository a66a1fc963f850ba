/**
 * Files every part writes whole or not at all (state, indexes, keys, kubeconfigs): a reader, or a
 * process restarted after {@code kill -9}, sees the old content or the new, never a part.
 */
package io.l2sm.files;

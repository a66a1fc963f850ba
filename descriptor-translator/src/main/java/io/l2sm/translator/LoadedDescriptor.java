package io.l2sm.translator;

import java.nio.file.Path;

/**
 * A descriptor read from a file, a package folder or a package tarball.
 *
 * @param document the parsed document with positions
 * @param kind NSD or VNFD, from its top-level key
 * @param origin the path the user (or the sibling search) named: file, folder or tarball
 */
public record LoadedDescriptor(LocatedDocument document, DescriptorKind kind, Path origin) {}

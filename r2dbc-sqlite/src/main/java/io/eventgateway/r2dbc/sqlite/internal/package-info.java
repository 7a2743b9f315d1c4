/**
 * Non-contract helpers of the SQLite R2DBC driver: the per-connection serial thread, the SQL scanner that finds
 * statement boundaries and bind markers, value codecs and the mapping of SQLite result codes to R2DBC exceptions.
 * Nothing here is API; it may change in any release.
 */
@NullMarked
package io.eventgateway.r2dbc.sqlite.internal;

import org.jspecify.annotations.NullMarked;

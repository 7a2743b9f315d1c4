/**
 * TLS for {@code https} and {@code wss} on the gateway's port ({@code server.tls.*}): the PEM certificate chain
 * and private key are read and checked against each other once at start-up, into the Netty {@code SslContext}
 * the server binds with.
 */
@NullMarked
package io.eventgateway.server.tls;

import org.jspecify.annotations.NullMarked;

/**
 * Authentication and topic permissions (PROTOCOL.md section 11): an {@link io.eventgateway.server.auth.Authenticator}
 * turns a credential (an API key or a JWT) into a {@link io.eventgateway.server.auth.Grant}, the patterns a client
 * may subscribe to and publish to; {@link io.eventgateway.server.auth.HttpAuthentication} finds the credential in a
 * request. A connection's grant is resolved once, at the upgrade, and checked only when the client subscribes or
 * publishes: nothing here runs per delivered event.
 */
@NullMarked
package io.eventgateway.server.auth;

import org.jspecify.annotations.NullMarked;

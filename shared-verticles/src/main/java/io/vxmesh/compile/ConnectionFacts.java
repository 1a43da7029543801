package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;

/**
 * What the data path knows of a connection when it decides: the port it was accepted on, and the
 * destination (gateway: its own address and port; sidecar: the original destination).
 */
public record ConnectionFacts(int listenerPort, IpAddress destination, int destinationPort) {}

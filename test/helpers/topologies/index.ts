// Real Redis topologies on loopback for the Cluster, Sentinel and TLS integration tests.
export { startTestCluster, type TestCluster, type TestClusterOptions, type SlotMigration } from './cluster';
export { startTestSentinel, type TestSentinel, type TestSentinelOptions, type FailoverResult } from './sentinel';
export { startTestTls, type TestTls, type TestTlsOptions } from './tls';
export { waitFor, type HostPort, type WaitOptions } from './processes';

//! Shared parts of the benchmark drivers: a keep-alive HTTP/1.1 client that
//! only talks to loopback addresses, and latency statistics.

pub mod http;
pub mod stats;

//! Found by name: the box advertises itself on the LAN with mDNS, as an
//! `_http._tcp` service (so phones and laptops list it) and a hostname
//! (`party.local` by default), on every interface that is up except
//! loopback. The records are withdrawn when the box stops.

use std::time::Duration;

use anyhow::Context;
use mdns_sd::{IfKind, ServiceDaemon, ServiceInfo};

pub const SERVICE_TYPE: &str = "_http._tcp.local.";

/// A running advertisement, withdrawn when it drops.
pub struct Advertiser {
    daemon: ServiceDaemon,
    fullname: String,
}

impl Advertiser {
    /// Advertises `name` at `hostname.local`, port `port`.
    pub fn start(name: &str, hostname: &str, port: u16) -> anyhow::Result<Advertiser> {
        let daemon = ServiceDaemon::new().context("cannot start mDNS")?;
        // Loopback is on by default in mdns-sd; nobody finds a party there.
        daemon.disable_interface(vec![IfKind::LoopbackV4, IfKind::LoopbackV6])?;
        let properties = [("version", env!("CARGO_PKG_VERSION")), ("path", "/")];
        let info = ServiceInfo::new(
            SERVICE_TYPE,
            name,
            &format!("{hostname}.local."),
            "",
            port,
            &properties[..],
        )
        .context("invalid mDNS service")?
        // Addresses follow the interfaces as they come and go (Wi-Fi).
        .enable_addr_auto();
        let fullname = info.get_fullname().to_string();
        daemon
            .register(info)
            .context("cannot register the mDNS service")?;
        Ok(Advertiser { daemon, fullname })
    }
}

impl Drop for Advertiser {
    /// Withdraws the records (goodbye packets) and stops the daemon.
    /// Blocking, up to about two seconds: drop it off the async runtime.
    fn drop(&mut self) {
        if let Ok(done) = self.daemon.unregister(&self.fullname) {
            let _ = done.recv_timeout(Duration::from_secs(1));
        }
        if let Ok(done) = self.daemon.shutdown() {
            let _ = done.recv_timeout(Duration::from_secs(1));
        }
    }
}

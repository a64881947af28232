//! Found by name: the box advertises itself on the LAN with mDNS, as an
//! `_http._tcp` service (so phones and laptops list it) and a hostname
//! (`party.local` by default), on every interface that is up except
//! loopback. The records are withdrawn when the box stops.
//!
//! The names are the box's only while nobody else holds them: when another
//! device answers for `party.local` (at start or later, RFC 6762 §9),
//! mdns-sd renames the box (`party-2.local`, "Democratic Tunes (2)") and
//! [`LanNames`] follows, so join links and QR codes send guests here, not
//! to the other box.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use mdns_sd::{DaemonEvent, IfKind, RRType, ServiceDaemon, ServiceInfo};

pub const SERVICE_TYPE: &str = "_http._tcp.local.";

/// The names the box holds on the LAN right now.
#[derive(Clone, Debug)]
pub struct LanNames(Arc<RwLock<Held>>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// The host name, without `.local` (`party`, or `party-2` after a clash).
    pub hostname: String,
    /// The service's instance name (`Democratic Tunes (2)` after a clash).
    pub instance: String,
    /// Whether the box advertises at all (`--no-mdns` says no).
    pub advertised: bool,
}

impl LanNames {
    pub fn new(hostname: &str, instance: &str, advertised: bool) -> LanNames {
        LanNames(Arc::new(RwLock::new(Held {
            hostname: hostname.to_string(),
            instance: instance.to_string(),
            advertised,
        })))
    }

    pub fn held(&self) -> Held {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The `.local` name phones reach the box by, when it advertises one.
    pub fn mdns_host(&self) -> Option<String> {
        let held = self.held();
        held.advertised.then(|| format!("{}.local", held.hostname))
    }

    /// Takes the new name mdns-sd gave one of the box's records; `true`
    /// when it changed what the box holds.
    fn follow(&self, rr_type: RRType, new_name: &str) -> bool {
        let mut held = self.0.write().unwrap_or_else(|e| e.into_inner());
        let before = held.clone();
        match rr_type {
            RRType::A | RRType::AAAA => {
                if let Some(host) = new_name.trim_end_matches('.').strip_suffix(".local") {
                    held.hostname = host.to_string();
                }
            }
            _ => {
                if let Some(instance) = new_name.strip_suffix(&format!(".{SERVICE_TYPE}")) {
                    held.instance = instance.to_string();
                }
            }
        }
        *held != before
    }
}

/// A running advertisement, withdrawn when it drops.
pub struct Advertiser {
    daemon: ServiceDaemon,
    fullname: String,
}

impl Advertiser {
    /// Advertises the names in `names` on port `port`, and keeps `names`
    /// up to date when a clash renames them.
    pub fn start(names: &LanNames, port: u16) -> anyhow::Result<Advertiser> {
        let held = names.held();
        let daemon = ServiceDaemon::new().context("cannot start mDNS")?;
        // Loopback is on by default in mdns-sd; nobody finds a party there.
        daemon.disable_interface(vec![IfKind::LoopbackV4, IfKind::LoopbackV6])?;
        follow_renames(&daemon, names.clone(), port)?;
        let properties = [("version", env!("CARGO_PKG_VERSION")), ("path", "/")];
        let info = ServiceInfo::new(
            SERVICE_TYPE,
            &held.instance,
            &format!("{}.local.", held.hostname),
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

/// Reads the daemon's events on a thread of its own (it ends with the
/// daemon) and follows its renames.
fn follow_renames(daemon: &ServiceDaemon, names: LanNames, port: u16) -> anyhow::Result<()> {
    let events = daemon.monitor().context("cannot watch mDNS")?;
    std::thread::Builder::new()
        .name("mdns-names".into())
        .spawn(move || {
            while let Ok(event) = events.recv() {
                if let DaemonEvent::NameChange(change) = event
                    && names.follow(change.rr_type, &change.new_name)
                {
                    let held = names.held();
                    tracing::warn!(
                        was = %change.original,
                        interface = %change.intf_name,
                        "📛 another device on the LAN holds this box's name: it is now {:?} at http://{}.local:{port}",
                        held.instance,
                        held.hostname,
                    );
                }
            }
        })
        .context("cannot start the mDNS watcher")?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clash_renames_the_host_and_the_service_and_nothing_else() {
        let names = LanNames::new("party", "Democratic Tunes", true);
        assert_eq!(names.mdns_host().as_deref(), Some("party.local"));
        assert!(names.follow(RRType::A, "party-2.local."));
        assert!(!names.follow(RRType::AAAA, "party-2.local."));
        assert!(names.follow(RRType::SRV, "Democratic Tunes (2)._http._tcp.local."));
        let held = names.held();
        assert_eq!(held.hostname, "party-2");
        assert_eq!(held.instance, "Democratic Tunes (2)");
        assert_eq!(names.mdns_host().as_deref(), Some("party-2.local"));
        // A name that is not the box's changes nothing.
        assert!(!names.follow(RRType::SRV, "Other._ipp._tcp.local."));
    }

    #[test]
    fn a_box_that_does_not_advertise_has_no_local_name() {
        assert_eq!(LanNames::new("party", "x", false).mdns_host(), None);
    }
}

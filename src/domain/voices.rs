//! Who is one voice. A browser can make as many accounts and device
//! cookies as it likes (a private tab is a new device), but on a LAN it
//! cannot choose its address: every phone on a house Wi-Fi has its own.
//! So a voice is a device on a network, and one network (an IPv4 address,
//! or an IPv6 /64) carries at most `cap` voices, unless the host lets that
//! network count in full (a Wi-Fi extender in router mode, a port-forward
//! behind one NAT).
//!
//! The box's own machine (127.0.0.1, ::1) counts in full: it is the host's.
//!
//! Votes, skip asks and presence (the skip threshold's denominator) all
//! count voices with these functions.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// The network an address belongs to, as text: an IPv4 address as it is,
/// an IPv6 address as its /64 (one household's LAN prefix), an
/// IPv4-mapped IPv6 address as the IPv4 address.
pub fn network_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None if v6.is_loopback() => v6.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

/// The box's own machine (the host's laptop, or a tunnel the host runs):
/// never banned as a network, never given a stranger's budget.
pub fn is_the_box(network: &str) -> bool {
    network == "127.0.0.1" || network == "::1"
}

/// The box's own machine, by address (see `is_the_box`), without making
/// its network's text: the rate limiter asks this on every vote.
pub fn is_the_box_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4 == std::net::Ipv4Addr::LOCALHOST,
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped() == Some(std::net::Ipv4Addr::LOCALHOST)
        }
    }
}

/// A network as the host names it (what `network_of` wrote), normalised;
/// `None` if it is not one.
pub fn parse_network(text: &str) -> Option<String> {
    let text = text.trim();
    let ip: IpAddr = match text.strip_suffix("/64") {
        Some(prefix) => IpAddr::V6(prefix.parse().ok()?),
        None => text.parse().ok()?,
    };
    Some(network_of(ip))
}

/// Someone in the room, as counting needs them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Voter {
    /// The network they come from (`network_of`).
    pub network: String,
    /// Their device: the device cookie, else the account itself.
    pub device: String,
}

/// Someone with the room open, as counting voices needs them.
#[derive(Debug, Clone)]
pub struct Present {
    /// Kept inside the box (ids are credentials).
    pub user_id: String,
    pub voter: Voter,
    /// A party screen, not a person.
    pub screen: bool,
}

/// How a room weighs its networks.
#[derive(Debug, Clone, Copy)]
pub struct Cap<'a> {
    /// Voices one network carries at most.
    pub per_network: u32,
    /// Networks the host lets count in full.
    pub allowed: &'a [String],
}

impl Cap<'_> {
    /// Voices `network` carries at most.
    pub fn limit(&self, network: &str) -> usize {
        // The box's own machine is the host's (a tab and the TV on the
        // laptop); a tunnel's guests arrive there too, which is why a
        // tunnel needs --trust-proxy.
        if is_the_box(network) || self.allowed.iter().any(|n| n == network) {
            usize::MAX
        } else {
            self.per_network.max(1) as usize
        }
    }

    /// Whether one more voice from `network` counts, when `counted` voices
    /// from it already do.
    pub fn has_room(&self, network: &str, counted: usize) -> bool {
        counted < self.limit(network)
    }
}

/// The voices among `voters`: one per device, at most the cap per network.
pub fn count<'a>(voters: impl IntoIterator<Item = &'a Voter>, cap: Cap<'_>) -> usize {
    let mut devices: HashMap<&str, HashSet<&str>> = HashMap::new();
    for v in voters {
        devices.entry(&v.network).or_default().insert(&v.device);
    }
    devices
        .iter()
        .map(|(network, devices)| devices.len().min(cap.limit(network)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn voter(network: &str, device: &str) -> Voter {
        Voter {
            network: network.into(),
            device: device.into(),
        }
    }

    #[test]
    fn networks_are_addresses_and_ipv6_prefixes() {
        assert_eq!(network_of("192.168.1.20".parse().unwrap()), "192.168.1.20");
        assert_eq!(
            network_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            network_of("2001:db8:1:2::7".parse().unwrap()),
            network_of("2001:db8:1:2:ffff::1".parse().unwrap())
        );
        assert_eq!(network_of("::ffff:10.0.0.3".parse().unwrap()), "10.0.0.3");
        assert!(is_the_box(&network_of("::1".parse().unwrap())));
        assert!(is_the_box(&network_of("127.0.0.1".parse().unwrap())));
        assert!(!is_the_box(&network_of("127.0.0.2".parse().unwrap())));
        for ip in [
            "127.0.0.1",
            "::1",
            "::ffff:127.0.0.1",
            "127.0.0.2",
            "10.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(is_the_box_address(ip), is_the_box(&network_of(ip)), "{ip}");
        }
        assert_eq!(parse_network(" 10.0.0.3 ").as_deref(), Some("10.0.0.3"));
        assert_eq!(
            parse_network("2001:db8:1:2::/64").as_deref(),
            Some("2001:db8:1:2::/64")
        );
        assert_eq!(parse_network("party.local"), None);
        assert_eq!(parse_network("10.0.0.3/64"), None);
    }

    #[test]
    fn thirty_tabs_on_one_phone_are_three_voices_and_five_friends_five() {
        let farm: Vec<Voter> = (0..30)
            .map(|i| voter("10.0.0.9", &format!("tab{i}")))
            .collect();
        let friends: Vec<Voter> = (0..5)
            .map(|i| voter(&format!("10.0.0.{}", 20 + i), "phone"))
            .collect();
        let cap = Cap {
            per_network: 3,
            allowed: &[],
        };
        assert_eq!(count(&farm, cap), 3);
        assert_eq!(count(&friends, cap), 5);
        let allowed = ["10.0.0.9".to_string()];
        let open = Cap {
            per_network: 3,
            allowed: &allowed,
        };
        assert_eq!(count(&farm, open), 30);
    }

    #[test]
    fn one_device_is_one_voice_whatever_its_accounts() {
        let same = [voter("10.0.0.9", "d"), voter("10.0.0.9", "d")];
        let cap = Cap {
            per_network: 3,
            allowed: &[],
        };
        assert_eq!(count(&same, cap), 1);
        assert!(cap.has_room("10.0.0.9", 2));
        assert!(!cap.has_room("10.0.0.9", 3));
        assert!(cap.has_room("127.0.0.1", 300), "the box's own machine");
    }

    proptest! {
        /// k identities on one network never weigh more than the cap, and
        /// the count never exceeds the devices there are.
        #[test]
        fn one_network_never_weighs_more_than_the_cap(
            voters in prop::collection::vec((0u8..4, 0u8..40), 0..200),
            per_network in 1u32..10,
        ) {
            let voters: Vec<Voter> = voters
                .iter()
                .map(|(n, d)| voter(&format!("10.0.0.{n}"), &format!("d{d}")))
                .collect();
            let cap = Cap { per_network, allowed: &[] };
            let networks: HashSet<&str> = voters.iter().map(|v| v.network.as_str()).collect();
            let devices: HashSet<&Voter> = voters.iter().collect();
            let total = count(&voters, cap);
            prop_assert!(total <= networks.len() * per_network as usize);
            prop_assert!(total <= devices.len());
            // Each network alone is capped too.
            for n in &networks {
                let mine: Vec<&Voter> = voters.iter().filter(|v| v.network == *n).collect();
                prop_assert!(count(mine, cap) <= per_network as usize);
            }
            // Allowing every network counts every device.
            let all: Vec<String> = networks.iter().map(|n| n.to_string()).collect();
            prop_assert_eq!(count(&voters, Cap { per_network, allowed: &all }), devices.len());
        }
    }
}

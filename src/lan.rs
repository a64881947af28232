//! How phones on the LAN reach the box.
//!
//! Reading the interfaces' addresses sends nothing on the network.

use std::net::{IpAddr, SocketAddr};

/// The URL a phone on the LAN should open: the box's `.local` name when it
/// advertises one (mDNS), else its LAN address.
pub fn join_url(bound: SocketAddr, mdns_host: Option<&str>) -> Option<String> {
    match mdns_host {
        Some(host) if !bound.ip().is_loopback() => Some(format!("http://{host}:{}", bound.port())),
        _ => lan_url(bound),
    }
}

/// The box's LAN address: its bound address, or, bound to every interface,
/// the first LAN address. `None` when it listens on loopback only (no phone
/// can reach it).
pub fn lan_url(bound: SocketAddr) -> Option<String> {
    let ip = if bound.ip().is_unspecified() {
        lan_ip()?
    } else if bound.ip().is_loopback() {
        return None;
    } else {
        bound.ip()
    };
    Some(format!("http://{}", SocketAddr::new(ip, bound.port())))
}

/// The URL to print at start: the LAN one, else the bound address (with
/// 127.0.0.1 standing in for "every interface").
pub fn url_to_open(bound: SocketAddr) -> String {
    lan_url(bound).unwrap_or_else(|| {
        let ip = if bound.ip().is_unspecified() {
            IpAddr::from([127, 0, 0, 1])
        } else {
            bound.ip()
        };
        format!("http://{}", SocketAddr::new(ip, bound.port()))
    })
}

/// `url` (as the functions above make it) for a box serving HTTPS.
pub fn secure_if(url: String, tls: bool) -> String {
    match (tls, url.strip_prefix("http://")) {
        (true, Some(rest)) => format!("https://{rest}"),
        _ => url,
    }
}

fn lan_ip() -> Option<IpAddr> {
    if_addrs::get_if_addrs()
        .ok()?
        .into_iter()
        .find(|i| !i.is_loopback() && i.ip().is_ipv4())
        .map(|i| i.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_has_no_join_url() {
        assert_eq!(join_url("127.0.0.1:8000".parse().unwrap(), None), None);
        assert_eq!(
            join_url("127.0.0.1:8000".parse().unwrap(), Some("party.local")),
            None
        );
        assert_eq!(
            url_to_open("127.0.0.1:8000".parse().unwrap()),
            "http://127.0.0.1:8000"
        );
    }

    #[test]
    fn a_specific_address_is_its_own_join_url() {
        assert_eq!(
            join_url("10.1.2.3:8000".parse().unwrap(), None).as_deref(),
            Some("http://10.1.2.3:8000")
        );
    }

    #[test]
    fn the_local_name_wins_when_advertised() {
        assert_eq!(
            join_url("0.0.0.0:8000".parse().unwrap(), Some("party.local")).as_deref(),
            Some("http://party.local:8000")
        );
    }

    #[test]
    fn every_interface_opens_somewhere_reachable() {
        let url = url_to_open("0.0.0.0:8000".parse().unwrap());
        assert!(
            url.starts_with("http://") && url.ends_with(":8000"),
            "{url}"
        );
        assert!(!url.contains("0.0.0.0"), "{url}");
    }
}

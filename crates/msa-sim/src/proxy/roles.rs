//! Forward vs reverse proxy as data (the `proxy-roles` widget): who is configured to use the proxy, which address
//! the client connects to, and what the origin server sees of one request: its peer address, `Host`, and the
//! `X-Forwarded-For` / `X-Forwarded-Proto` headers nginx adds when configured as the load-balancing lesson does
//! (`proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
//! proxy_set_header X-Forwarded-Proto $scheme;`), for a client that used https.

use serde::Serialize;

/// The two roles a proxy plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Role {
    /// Works for clients (an office proxy): clients are configured to use it; servers see the proxy.
    Forward,
    /// Works for servers (nginx in front of FoodDash): operators configure it; clients only see its address.
    Reverse,
}

/// Who is set up to use the proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Configured {
    /// Every client (browser or OS proxy settings, or a PAC file).
    Clients,
    /// The site's operators, on the server side; clients change nothing.
    Operators,
}

/// One request as each side sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub role: Role,
    pub configured: Configured,
    /// The address the client opens its TCP connection to.
    pub client_connects_to: String,
    /// The name the client asks for (the URL's host).
    pub client_asks_for: String,
    /// Whether the client can tell that a proxy is involved.
    pub client_knows_proxy: bool,
    /// The peer address of the connection the origin server accepts (`$remote_addr` there).
    pub server_sees_peer: String,
    /// Header lines the origin server receives that tell about the client (`Host`, `X-Forwarded-For`, `X-Forwarded-Proto`).
    pub server_headers: Vec<(String, String)>,
    /// Whether the origin server can tell which backend instance, if several, answered: the client never can.
    pub backends_hidden_from_client: bool,
}

/// The notes' setup: a client at `client_ip` asks for `host`; the proxy is `proxy_addr` (its own outgoing address
/// `proxy_ip`).
pub fn hop(role: Role, client_ip: &str, host: &str, proxy_addr: &str, proxy_ip: &str) -> Hop {
    match role {
        Role::Forward => Hop {
            role,
            configured: Configured::Clients,
            client_connects_to: proxy_addr.to_string(),
            client_asks_for: host.to_string(),
            client_knows_proxy: true,
            server_sees_peer: proxy_ip.to_string(),
            // A forward proxy forwards Host unchanged; adding X-Forwarded-For is up to it (many omit it to hide
            // the client): this one does not.
            server_headers: vec![("Host".to_string(), host.to_string())],
            backends_hidden_from_client: false,
        },
        Role::Reverse => Hop {
            role,
            configured: Configured::Operators,
            client_connects_to: proxy_addr.to_string(),
            client_asks_for: host.to_string(),
            client_knows_proxy: false,
            server_sees_peer: proxy_ip.to_string(),
            server_headers: vec![
                ("Host".to_string(), host.to_string()),
                ("X-Forwarded-For".to_string(), client_ip.to_string()),
                ("X-Forwarded-Proto".to_string(), "https".to_string()),
            ],
            backends_hidden_from_client: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_proxy_passes_the_client_address_in_headers_only() {
        let h = hop(Role::Reverse, "203.0.113.7", "api.fooddash.example", "198.51.100.10:8004", "10.0.0.2");
        assert_eq!(h.server_sees_peer, "10.0.0.2");
        assert!(h.server_headers.contains(&("X-Forwarded-For".into(), "203.0.113.7".into())));
        assert!(!h.client_knows_proxy);
        assert_eq!(h.configured, Configured::Operators);
        let f = hop(Role::Forward, "203.0.113.7", "api.fooddash.example", "192.168.0.1:3128", "192.168.0.1");
        assert_eq!(f.configured, Configured::Clients);
        assert!(f.client_knows_proxy);
        assert!(!f.server_headers.iter().any(|(k, _)| k == "X-Forwarded-For"));
    }
}

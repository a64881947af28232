//! Rate limits on what a flood would abuse: making guests, joining, adding,
//! voting and opening live sockets. Each is limited per client address and
//! per identity (governor's keyed token buckets), and a refusal is a 429
//! with `Retry-After` and a `detail`.
//!
//! Per address, the budgets are sized for a 200-guest party behind one NAT
//! address (everyone joining within a minute, voting freely); per identity
//! they stop one phone (or script) from hammering. The box's own machine
//! (127.0.0.1 and ::1) has no per-address budget: it is the host's. Other
//! loopback addresses have one, like any phone.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Extension;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use utoipa::openapi::extensions::Extensions;
use utoipa_axum::router::UtoipaMethodRouter;
use uuid::Uuid;

use super::AppState;
use super::connections::client_ip;
use super::extract::identity;
use crate::config::TrustedProxies;
use crate::domain::voices;
use crate::error::{Code, Error};

/// What a request does, for the limits that apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NewGuest,
    Join,
    Add,
    Vote,
    LiveConnect,
    /// Starting a party.
    NewRoom,
    /// Running one: settings, roles, kicks and bans, networks, skips, the
    /// player's reports and controls, rescans. Each is an fsynced write
    /// and a line in the log.
    ChangeRoom,
}

impl Action {
    /// Per address, then per identity.
    pub const fn budgets(self) -> (Budget, Option<Budget>) {
        const fn per_second(n: u64, burst: u32) -> Budget {
            Budget {
                burst,
                every: Duration::from_nanos(1_000_000_000 / n),
            }
        }
        match self {
            // A whole party arriving at once, then a trickle.
            Action::NewGuest => (per_second(5, 300), None),
            Action::Join => (per_second(10, 300), Some(per_second(1, 10))),
            Action::Add => (per_second(10, 200), Some(per_second(1, 10))),
            Action::Vote => (per_second(100, 600), Some(per_second(5, 30))),
            // A ticket, then the socket: two per connection.
            Action::LiveConnect => (per_second(40, 800), Some(per_second(2, 20))),
            // A party or two per evening, not thousands.
            Action::NewRoom => (
                Budget {
                    burst: 5,
                    every: Duration::from_secs(10 * 60),
                },
                None,
            ),
            // A host at work clicks fast, for a while; a script not for long.
            Action::ChangeRoom => (per_second(20, 600), Some(per_second(2, 40))),
        }
    }

    /// Its name in the OpenAPI document's `x-rate-limit`.
    pub fn name(self) -> &'static str {
        match self {
            Action::NewGuest => "new_guest",
            Action::Join => "join",
            Action::Add => "add",
            Action::Vote => "vote",
            Action::LiveConnect => "live_connect",
            Action::NewRoom => "new_room",
            Action::ChangeRoom => "change_room",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Action::NewGuest => "new guests",
            Action::Join => "joins",
            Action::Add => "songs added",
            Action::Vote => "votes",
            Action::LiveConnect => "live connections",
            Action::NewRoom => "new parties",
            Action::ChangeRoom => "changes to the party",
        }
    }
}

const ACTIONS: [Action; 7] = [
    Action::NewGuest,
    Action::Join,
    Action::Add,
    Action::Vote,
    Action::LiveConnect,
    Action::NewRoom,
    Action::ChangeRoom,
];

/// A token bucket: `burst` at once, then one more every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub burst: u32,
    pub every: Duration,
}

struct Buckets {
    action: Action,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    per_identity: Option<DefaultKeyedRateLimiter<Uuid>>,
}

/// Every limiter of the box. Cheap to clone.
#[derive(Clone)]
pub struct RateLimits {
    buckets: Arc<Vec<Buckets>>,
    checks: Arc<AtomicU64>,
    clock: DefaultClock,
}

fn quota(budget: Budget) -> Quota {
    Quota::with_period(budget.every)
        .expect("budgets refill")
        .allow_burst(NonZeroU32::new(budget.burst).expect("budgets are positive"))
}

impl Default for RateLimits {
    fn default() -> Self {
        let buckets = ACTIONS
            .iter()
            .map(|&action| {
                let (address, identity) = action.budgets();
                Buckets {
                    action,
                    per_address: RateLimiter::keyed(quota(address)),
                    per_identity: identity.map(|b| RateLimiter::keyed(quota(b))),
                }
            })
            .collect();
        RateLimits {
            buckets: Arc::new(buckets),
            checks: Arc::default(),
            clock: DefaultClock::default(),
        }
    }
}

impl RateLimits {
    /// `Err(wait)` when the request is over a budget.
    fn check(
        &self,
        action: Action,
        ip: Option<IpAddr>,
        user: Option<Uuid>,
    ) -> Result<(), Duration> {
        // Forget idle keys now and then, so the maps cannot grow without end.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            for b in self.buckets.iter() {
                b.per_address.retain_recent();
                if let Some(l) = &b.per_identity {
                    l.retain_recent();
                }
            }
        }
        let b = self
            .buckets
            .iter()
            .find(|b| b.action == action)
            .expect("every action has buckets");
        let now = self.clock.now();
        if let (Some(limiter), Some(user)) = (&b.per_identity, user) {
            limiter
                .check_key(&user)
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        if let Some(ip) = ip.filter(|ip| !voices::is_the_box_address(*ip)) {
            b.per_address
                .check_key(&ip)
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        Ok(())
    }
}

/// Puts `action`'s budgets on `routes`, where they are declared, and says
/// so in their OpenAPI operations (`x-rate-limit`). A route keeps its limit
/// wherever it moves.
pub fn limited(
    action: Action,
    (schemas, mut paths, method_router): UtoipaMethodRouter<AppState>,
) -> UtoipaMethodRouter<AppState> {
    for item in paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            operation.extensions.get_or_insert_default().merge(
                Extensions::builder()
                    .add("x-rate-limit", action.name())
                    .build(),
            );
        }
    }
    let method_router = method_router.route_layer(axum::middleware::from_fn(
        move |Extension(limiter): Extension<Arc<Limiter>>, request: Request, next: Next| async move {
            limiter.limit(action, request, next).await
        },
    ));
    (schemas, paths, method_router)
}

/// What the limit on each route needs from the box, put on every request
/// by the router (`http::router`; shared, so a request copies a pointer).
#[derive(Clone)]
pub struct Limiter {
    pub limits: RateLimits,
    pub trust_proxy: TrustedProxies,
    /// `--no-rate-limits`: benchmarks on loopback.
    pub off: bool,
}

impl Limiter {
    /// Refuses a request over its budgets with 429, `Retry-After` and a
    /// `detail`.
    async fn limit(&self, action: Action, request: Request, next: Next) -> Response {
        if self.off {
            return next.run(request).await;
        }
        let (parts, body) = request.into_parts();
        let ip = client_ip(&parts, &self.trust_proxy);
        let jar = CookieJar::from_headers(&parts.headers);
        let user = identity(&parts.headers, &jar).ok();
        if let Err(wait) = self.limits.check(action, ip, user) {
            let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
            let mut response = Error::refuse(
                Code::TooManyRequests,
                format!(
                    "Slow down: too many {} from here. Try again in {seconds} s.",
                    action.what(),
                ),
            )
            .with("seconds", seconds)
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
            return response;
        }
        next.run(Request::from_parts(parts, body)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_over_its_budget_waits_and_others_do_not() {
        let limits = RateLimits::default();
        let (me, you) = (Uuid::new_v4(), Uuid::new_v4());
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        let (_, Some(Budget { burst, .. })) = Action::Vote.budgets() else {
            unreachable!()
        };
        for _ in 0..burst {
            assert!(limits.check(Action::Vote, Some(ip), Some(me)).is_ok());
        }
        let wait = limits.check(Action::Vote, Some(ip), Some(me)).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
        assert!(limits.check(Action::Vote, Some(ip), Some(you)).is_ok());
    }

    #[test]
    fn a_whole_party_behind_one_address_can_arrive_at_once() {
        let limits = RateLimits::default();
        let nat: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..200 {
            assert!(limits.check(Action::NewGuest, Some(nat), None).is_ok());
            assert!(
                limits
                    .check(Action::Join, Some(nat), Some(Uuid::new_v4()))
                    .is_ok()
            );
            assert!(
                limits
                    .check(Action::LiveConnect, Some(nat), Some(Uuid::new_v4()))
                    .is_ok()
            );
        }
        // The box's own machine has no per-address budget.
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..1000 {
            assert!(limits.check(Action::NewGuest, Some(local), None).is_ok());
        }
    }
}
